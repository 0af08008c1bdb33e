#include "tests/support/pty_pair.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace intergas::test {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

bool exists_no_follow(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The link exists and its target (the pty) is there too.
bool link_ready(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = 1ms;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 20ms);
  }
}

short poll_fd(int fd, short events, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, events, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (n > 0) return pfd.revents;
    if (n == 0) return 0;
    if (errno != EINTR) throw_errno("poll");
  }
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/intergas-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw_errno("mkdtemp");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void make_symlink(const std::string& target, const std::string& link) {
  std::filesystem::create_directories(std::filesystem::path(link).parent_path());
  if (::symlink(target.c_str(), link.c_str()) != 0) throw_errno("symlink " + link);
}

PtyPair::PtyPair() {
  int slave = -1;
  char name[256] = "";
  if (::openpty(&master_, &slave, name, nullptr, nullptr) != 0) throw_errno("openpty");
  ::close(slave);
  slave_path_ = name;
  ::fcntl(master_, F_SETFL, ::fcntl(master_, F_GETFL) | O_NONBLOCK);
  ::fcntl(master_, F_SETFD, FD_CLOEXEC);
}

PtyPair::~PtyPair() { close_master(); }

void PtyPair::close_master() {
  if (master_ >= 0) ::close(master_);
  master_ = -1;
}

void PtyPair::write_master(const std::string& bytes) { write_all_fd(master_, bytes); }

std::string PtyPair::read_master(std::size_t size, std::chrono::milliseconds limit) {
  return read_fd(master_, size, limit);
}

int open_raw_tty(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw_errno("open " + path);
  termios tio{};
  if (::tcgetattr(fd, &tio) == 0) {
    ::cfmakeraw(&tio);
    ::tcsetattr(fd, TCSANOW, &tio);
  }
  return fd;
}

void write_all_fd(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (errno == EAGAIN && poll_fd(fd, POLLOUT) == 0) throw std::runtime_error("write: no room");
    } else {
      throw_errno("write");
    }
  }
}

std::string read_fd(int fd, std::size_t size, std::chrono::milliseconds limit) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (got.size() < size) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || poll_fd(fd, POLLIN, left) == 0) break;
    char buffer[256];
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size - got.size()));
    if (n > 0) {
      got.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      break;  // EOF or hang-up: return what arrived
    }
  }
  return got;
}

SocatPair::SocatPair(std::string link_a, std::string link_b, std::string log_path)
    : link_a_(std::move(link_a)), link_b_(std::move(link_b)), log_path_(std::move(log_path)) {
  start();
}

SocatPair::~SocatPair() {
  if (pid_ > 0) stop(SIGKILL);
}

void SocatPair::start() {
  if (pid_ > 0) throw std::logic_error("socat already running");
  // A socat that died by SIGKILL leaves its links behind, pointing at ptys that are gone (or at a
  // reused pty number): remove them so "link exists" means "this socat is ready".
  if (exists_no_follow(link_a_)) ::unlink(link_a_.c_str());
  if (exists_no_follow(link_b_)) ::unlink(link_b_.c_str());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const std::string side_a = "pty,raw,echo=0,link=" + link_a_;
  const std::string side_b = "pty,raw,echo=0,link=" + link_b_;
  std::vector<char*> argv = {const_cast<char*>("socat"),        const_cast<char*>("-d"),
                             const_cast<char*>("-d"),           const_cast<char*>(side_a.c_str()),
                             const_cast<char*>(side_b.c_str()), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, "socat", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    errno = rc;
    throw_errno("spawn socat");
  }
  pid_ = pid;
  // socat makes the links a moment after it starts.
  if (!wait_until([&] { return link_ready(link_a_) && link_ready(link_b_); })) {
    stop(SIGKILL);
    throw std::runtime_error("socat did not create " + link_a_ + " and " + link_b_ + " (see " +
                             log_path_ + ")");
  }
}

void SocatPair::stop(int signal_number) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal_number);
  int status = 0;
  const bool reaped = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; });
  if (!reaped) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

}  // namespace intergas::test
