#include "process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace intergas::test {

namespace {
using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}
}  // namespace

Process::Process(std::vector<std::string> argv, std::string stderr_log)
    : stderr_log_(std::move(stderr_log)) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    return;
  }
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    setpgid(0, 0);  // its own group, so a stop also reaches its children
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  fcntl(out_, F_SETFL, O_NONBLOCK);
  fcntl(err_, F_SETFL, O_NONBLOCK);
  signal(SIGPIPE, SIG_IGN);
}

Process::~Process() {
  if (running()) stop(SIGKILL, std::chrono::milliseconds(2000));
  pump_stderr();
  for (int fd : {in_, out_, err_}) {
    if (fd >= 0) ::close(fd);
  }
}

bool Process::running() {
  if (pid_ <= 0 || status_) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = st;
    return false;
  }
  return true;
}

void Process::pump_stderr() {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(err_, buf, sizeof buf);
    if (n <= 0) break;
    err_text_.append(buf, static_cast<std::size_t>(n));
    if (!stderr_log_.empty()) {
      if (FILE* f = std::fopen(stderr_log_.c_str(), "a")) {
        std::fwrite(buf, 1, static_cast<std::size_t>(n), f);
        std::fclose(f);
      }
    }
  }
}

const std::string& Process::stderr_text() {
  pump_stderr();
  return err_text_;
}

std::optional<std::string> Process::read_line(std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  for (;;) {
    if (auto nl = out_buf_.find('\n'); nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      return line;
    }
    pollfd p[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    const int ms = remaining_ms(until);
    if (poll(p, 2, ms) < 0 && errno != EINTR) return std::nullopt;
    if (p[1].revents) pump_stderr();
    if (p[0].revents) {
      char buf[4096];
      const ssize_t n = ::read(out_, buf, sizeof buf);
      if (n == 0) return std::nullopt;
      if (n > 0) out_buf_.append(buf, static_cast<std::size_t>(n));
    }
    if (ms == 0) {
      if (auto nl = out_buf_.find('\n'); nl != std::string::npos) continue;
      return std::nullopt;
    }
  }
}

std::optional<std::string> Process::wait_for_line(const std::string& prefix,
                                                  std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    auto line = read_line(std::chrono::milliseconds(remaining_ms(until)));
    if (!line) return std::nullopt;
    if (line->compare(0, prefix.size(), prefix) == 0) return line;
  }
  return std::nullopt;
}

bool Process::write_line(const std::string& line) {
  const std::string s = line + "\n";
  return ::write(in_, s.data(), s.size()) == static_cast<ssize_t>(s.size());
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (running()) {
    if (Clock::now() >= until) return std::nullopt;
    pump_stderr();
    usleep(10000);
  }
  pump_stderr();
  return status_;
}

std::optional<int> Process::stop(int sig, std::chrono::milliseconds timeout) {
  if (!running()) return status_;
  ::kill(pid_, sig);
  if (auto st = wait(timeout)) return st;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  wait(std::chrono::milliseconds(5000));
  return std::nullopt;
}

RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Process p(argv);
  RunResult r;
  const auto until = Clock::now() + timeout;
  while (auto line = p.read_line(std::chrono::milliseconds(remaining_ms(until)))) {
    r.output += *line + "\n";
  }
  const auto st = p.wait(std::chrono::milliseconds(remaining_ms(until) + 100));
  r.output += p.stderr_text();
  if (st && WIFEXITED(*st)) r.exit_code = WEXITSTATUS(*st);
  return r;
}

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace intergas::test
