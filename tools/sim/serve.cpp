#include "sim/serve.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <sstream>

#include "protocol/command.h"
#include "sim/frame_encoder.h"

namespace intergas::sim {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// 9600 baud, 8-N-1: 10 bits per byte (protocol.md 13: 32 bytes take 33.3 ms).
constexpr nanoseconds kByteTime{1'041'667};
// Paced sends wake on a shared grid of this step, so all boilers' due bytes go out in one pass
// (timer slack, like the kernel's): at most 200 wake-ups a second whatever the boiler count,
// while a reply still spans its full wire time, in bursts of about 5 bytes.
constexpr milliseconds kPaceTick{5};

int g_signal_pipe[2] = {-1, -1};

extern "C" void on_signal(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] const auto n = write(g_signal_pipe[1], &byte, 1);
  errno = saved;
}

void say(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void log_line(int index, const std::string& text) {
  std::fprintf(stderr, "intergas-sim: boiler %d: %s\n", index, text.c_str());
  std::fflush(stderr);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
         fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

std::string errno_text() { return std::strerror(errno); }

// Points `link` at `target` without a moment where the link is missing: a temporary link
// renamed over the old one.
bool replace_symlink(const std::string& target, const std::string& link, std::string& error) {
  struct stat st {};
  if (lstat(link.c_str(), &st) == 0 && !S_ISLNK(st.st_mode)) {
    error = link + ": exists and is not a symlink";
    return false;
  }
  const std::string tmp = link + ".tmp" + std::to_string(getpid());
  ::unlink(tmp.c_str());
  if (symlink(target.c_str(), tmp.c_str()) != 0 || rename(tmp.c_str(), link.c_str()) != 0) {
    error = link + ": " + errno_text();
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

void remove_symlink(const std::string& link) {
  struct stat st {};
  if (!link.empty() && lstat(link.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    ::unlink(link.c_str());
  }
}

const std::vector<Bytes>& known_requests(Model m) {
  static std::vector<Bytes> table[3];
  auto& t = table[static_cast<int>(m)];
  if (t.empty()) {
    for (Command c : kAllCommands) t.push_back(request_bytes(c, m));
  }
  return t;
}

milliseconds ms_until(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(when - now);
}

// `when` rounded up to the next multiple of kPaceTick since `epoch`.
Clock::time_point on_tick(Clock::time_point when, Clock::time_point epoch) {
  const auto ticks = (when - epoch + kPaceTick - nanoseconds(1)) / kPaceTick;
  return epoch + std::chrono::duration_cast<Clock::duration>(kPaceTick * ticks);
}

}  // namespace

struct Server::Boiler {
  struct Chunk {
    Clock::time_point start;  // the first byte is due then (or once the wire is free)
    Bytes bytes;
    std::size_t sent = 0;
  };

  Boiler(int i, const ServeOptions& o) : index(i), state(o.initial), faults(o.seed, i, o.rates) {
    if (o.dynamics) dynamics.emplace(*o.dynamics, o.seed, i);
  }

  int index;
  BoilerState state;
  FaultInjector faults;
  std::optional<Dynamics> dynamics;
  Clock::time_point advanced_at = Clock::now();  // the dynamics' clock has reached this
  std::array<std::size_t, kCommandCount> replay_next{};

  int fd = -1;         // pty master or the TCP client
  int slave_fd = -1;   // pty: held so the master sees no hang-up when a reader closes
  int listen_fd = -1;  // TCP
  int port = 0;
  std::string link;  // pty: the user's symlink
  bool unplugged = false;
  Clock::time_point return_at;

  Bytes window;  // request bytes seen so far (a prefix of a known request)
  std::deque<Chunk> queue;
  Clock::time_point wire_free_at;
};

Server::Server(ServeOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.count; ++i) {
    boilers_.push_back(std::make_unique<Boiler>(i, options_));
    Boiler& b = *boilers_.back();
    if (options_.transport == ServeOptions::Transport::pty) {
      b.link =
          options_.count == 1 ? options_.pty_path : options_.pty_path + "." + std::to_string(i);
    } else if (options_.tcp_port != 0) {
      b.port = options_.tcp_port + i;
    }
  }
}

Server::~Server() {
  for (auto& b : boilers_) {
    close_fd(b->fd);
    close_fd(b->slave_fd);
    close_fd(b->listen_fd);
    remove_symlink(b->link);
  }
}

int Server::count() const { return static_cast<int>(boilers_.size()); }

const BoilerState& Server::state(int i) const {
  return boilers_.at(static_cast<std::size_t>(i))->state;
}

bool Server::plug(Boiler& b, std::string& error) {
  b.window.clear();
  b.queue.clear();
  b.unplugged = false;
  if (options_.transport == ServeOptions::Transport::pty) {
    termios tio{};
    cfmakeraw(&tio);  // no echo, no CR/NL mapping: replies are binary
    cfsetispeed(&tio, B9600);
    cfsetospeed(&tio, B9600);
    char name[256] = {};
    if (openpty(&b.fd, &b.slave_fd, name, &tio, nullptr) != 0) {
      error = std::string("openpty: ") + errno_text();
      return false;
    }
    if (!set_nonblocking(b.fd) || fcntl(b.slave_fd, F_SETFD, FD_CLOEXEC) != 0) {
      error = std::string("fcntl: ") + errno_text();
      return false;
    }
    if (!replace_symlink(name, b.link, error)) return false;
    say("pty " + std::to_string(b.index) + " " + name);
    log_line(b.index, std::string("pty ") + name + " linked at " + b.link);
    return true;
  }
  b.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (b.listen_fd < 0) {
    error = std::string("socket: ") + errno_text();
    return false;
  }
  const int one = 1;
  setsockopt(b.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(b.port));
  socklen_t len = sizeof addr;
  if (bind(b.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(b.listen_fd, 4) != 0 ||
      getsockname(b.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error = "127.0.0.1:" + std::to_string(b.port) + ": " + errno_text();
    close_fd(b.listen_fd);
    return false;
  }
  b.port = ntohs(addr.sin_port);  // keeps an ephemeral port for the next replug
  say("tcp " + std::to_string(b.index) + " 127.0.0.1:" + std::to_string(b.port));
  log_line(b.index, "listening on 127.0.0.1:" + std::to_string(b.port));
  return true;
}

void Server::unplug(Boiler& b, const char* why) {
  // Listener and symlink first: a reader that sees its connection drop must not still find them.
  close_fd(b.listen_fd);
  remove_symlink(b.link);
  close_fd(b.fd);
  close_fd(b.slave_fd);
  b.window.clear();
  b.queue.clear();
  b.unplugged = true;
  b.return_at = Clock::now() + options_.hangup;
  log_line(b.index, std::string("unplugged (") + why + "), back in " +
                        std::to_string(options_.hangup.count()) + " ms");
}

void Server::accept_client(Boiler& b) {
  const int fd = accept4(b.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  if (b.fd >= 0) {
    // One client at a time, like the one serial port it stands for.
    ::close(fd);
    log_line(b.index, "refused a second client");
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  b.fd = fd;
  b.window.clear();
  b.queue.clear();
  log_line(b.index, "client connected");
}

void Server::drop_client(Boiler& b, const char* why) {
  close_fd(b.fd);
  b.window.clear();
  b.queue.clear();
  log_line(b.index, std::string("client disconnected (") + why + ")");
}

void Server::on_input(Boiler& b, const std::uint8_t* data, std::size_t n) {
  for (std::size_t i = 0; i < n && b.fd >= 0; ++i) {  // a hangup fault ends the input
    b.window.push_back(data[i]);
    // Keep the longest tail of the input that is still a prefix of a known request; a real boiler
    // ignores garbage and unsupported commands (protocol.md 3 notes), so they just fall out.
    while (!b.window.empty()) {
      bool is_prefix = false;
      bool is_complete = false;
      for (const Bytes& want : known_requests(b.state.model)) {
        if (want.size() < b.window.size()) continue;
        if (!std::equal(b.window.begin(), b.window.end(), want.begin())) continue;
        is_prefix = true;
        is_complete = is_complete || want.size() == b.window.size();
      }
      if (is_complete) {
        const auto command = command_from_request(ByteView(b.window), b.state.model);
        if (!command) log_unanswered(b);
        b.window.clear();
        if (command) on_request(b, command_index(*command));
        break;
      }
      if (is_prefix) break;
      b.window.erase(b.window.begin());
    }
  }
}

// A known request this model has no answer to (D2 to a plain-framing boiler, protocol.md 12.4):
// silence, as from a boiler; said in the verbose log so a test can see it was sent.
void Server::log_unanswered(const Boiler& b) {
  if (!options_.verbose) return;
  log_line(b.index, "request " + to_hex(ByteView(b.window)) + ": not answered by " +
                        std::string(model_name(b.state.model)) + ", silence");
}

void Server::on_request(Boiler& b, int index) {
  const Command command = kAllCommands[index];
  const auto now = Clock::now();
  if (options_.ignored[static_cast<std::size_t>(index)]) {
    if (options_.verbose)
      log_line(b.index, "request " + std::string(command_name(command)) + ": ignored");
    return;
  }
  Bytes reply;
  if (options_.replay) {
    const auto& captured = options_.replay->replies[static_cast<std::size_t>(index)];
    if (captured.empty()) {
      if (options_.verbose)
        log_line(b.index,
                 "request " + std::string(command_name(command)) + ": not in the capture, silence");
      return;
    }
    std::size_t& next = b.replay_next[static_cast<std::size_t>(index)];
    reply = captured[next % captured.size()];
    next = (next + 1) % captured.size();
  } else {
    if (b.dynamics) {
      // Whole milliseconds; the rest waits for the next reply, so the clocks never drift apart.
      const auto step = std::chrono::duration_cast<milliseconds>(now - b.advanced_at);
      b.dynamics->advance(b.state, step);
      b.advanced_at += step;
    }
    reply = encode_reply(b.state, command);
  }
  if (options_.verbose) log_line(b.index, "request " + std::string(command_name(command)));

  ReplyPlan plan = b.faults.plan(reply, options_.latency, options_.late);
  if (plan.fault) {
    std::string text = "fault " + std::string(fault_kind_name(*plan.fault)) + " on " +
                       std::string(command_name(command));
    if (!plan.detail.empty()) text += " (" + plan.detail + ")";
    log_line(b.index, text);
    if (*plan.fault == FaultKind::hangup) {
      unplug(b, "hangup fault");
      return;
    }
  }
  if (plan.bytes.empty()) return;

  const auto start = now + plan.delay;
  auto insert = [&b](Boiler::Chunk chunk) {
    auto at = std::find_if(b.queue.begin(), b.queue.end(), [&chunk](const Boiler::Chunk& c) {
      return c.sent == 0 && c.start > chunk.start;
    });
    b.queue.insert(at, std::move(chunk));
  };
  const auto wire_time =
      options_.pace ? kByteTime * static_cast<long>(plan.bytes.size()) : nanoseconds(0);
  insert({start, std::move(plan.bytes), 0});
  if (!plan.stray.empty()) {
    const auto stray_at =
        start + std::chrono::duration_cast<Clock::duration>(wire_time) + plan.stray_after;
    insert({stray_at, std::move(plan.stray), 0});
  }
}

void Server::drain(Boiler& b, Clock::time_point now) {
  while (!b.queue.empty() && b.fd >= 0) {
    Boiler::Chunk& c = b.queue.front();
    if (c.sent == 0 && options_.pace && c.start < b.wire_free_at) c.start = b.wire_free_at;
    if (now < c.start) return;
    // The reply's clock starts at its first byte: woken late by the tick, the boiler still
    // takes the full wire time for the rest.
    if (c.sent == 0 && options_.pace) c.start = now;
    std::size_t due = c.bytes.size();
    if (options_.pace) {
      const auto elapsed = std::chrono::duration_cast<nanoseconds>(now - c.start);
      due = std::min(due, static_cast<std::size_t>(elapsed / kByteTime) + 1);
    }
    if (due > c.sent) {
      const std::uint8_t* p = c.bytes.data() + c.sent;
      const std::size_t n = due - c.sent;
      const ssize_t w = options_.transport == ServeOptions::Transport::tcp
                            ? ::send(b.fd, p, n, MSG_NOSIGNAL)
                            : ::write(b.fd, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        if (options_.transport == ServeOptions::Transport::tcp) {
          drop_client(b, "write failed");
          return;
        }
        c.sent = c.bytes.size();  // nobody is reading the pty: the bytes are lost, as on a wire
      } else if (w < 0) {
        c.sent = c.bytes.size();  // buffer full: a UART does not wait either
      } else {
        c.sent += static_cast<std::size_t>(w);
      }
      b.wire_free_at = c.start + std::chrono::duration_cast<Clock::duration>(
                                     kByteTime * static_cast<long>(c.sent));
    }
    if (c.sent < c.bytes.size()) return;
    b.queue.pop_front();
  }
}

std::optional<Clock::time_point> Server::deadline(const Boiler& b) const {
  if (b.unplugged) return b.return_at;
  if (b.queue.empty() || b.fd < 0) return std::nullopt;
  const Boiler::Chunk& c = b.queue.front();
  if (!options_.pace) return c.start;
  if (c.sent == 0) return std::max(c.start, b.wire_free_at);
  return c.start +
         std::chrono::duration_cast<Clock::duration>(kByteTime * static_cast<long>(c.sent));
}

bool Server::start(std::string& error) {
  for (auto& b : boilers_) {
    if (!plug(*b, error)) {
      error = "boiler " + std::to_string(b->index) + ": " + error;
      return false;
    }
  }
  say("ready");
  return true;
}

void Server::on_control_line(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (words.empty() || words[0][0] == '#') return;
  const std::string& verb = words[0];

  // The optional trailing boiler index at words[at]; all boilers when absent.
  auto targets = [this, &words](std::size_t at, std::vector<Boiler*>& out) -> bool {
    if (words.size() > at + 1) return false;
    if (words.size() == at + 1) {
      char* end = nullptr;
      const long i = std::strtol(words[at].c_str(), &end, 10);
      if (*end != '\0' || i < 0 || i >= count()) return false;
      out.push_back(boilers_[static_cast<std::size_t>(i)].get());
      return true;
    }
    for (auto& b : boilers_) out.push_back(b.get());
    return true;
  };
  auto where = [&words](std::size_t at) {
    return words.size() > at ? " " + words[at] : std::string(" all");
  };
  std::vector<Boiler*> chosen;

  if (verb == "quit") {
    say("ok quit");
    quit_ = true;
  } else if (verb == "fault") {
    const auto kind = words.size() >= 2 ? parse_fault_kind(words[1]) : std::nullopt;
    if (!kind)
      return say(
          "error fault: want fault "
          "<silence|short|garbage|stray|late|hangup|flip|burst|flip2> [index]");
    if (!targets(2, chosen)) return say("error fault: bad boiler index");
    for (Boiler* b : chosen) b->faults.force_next(*kind);
    say("ok fault " + std::string(fault_kind_name(*kind)) + where(2));
  } else if (verb == "hangup") {
    if (!targets(1, chosen)) return say("error hangup: bad boiler index");
    for (Boiler* b : chosen) {
      if (!b->unplugged) unplug(*b, "control");
    }
    say("ok hangup" + where(1));
  } else if (verb == "return") {
    if (!targets(1, chosen)) return say("error return: bad boiler index");
    for (Boiler* b : chosen) {
      if (!b->unplugged) continue;
      std::string error;
      if (!plug(*b, error)) return say("error return: " + error);
      log_line(b->index, "plugged back in");
    }
    say("ok return" + where(1));
  } else if (verb == "profile") {
    BoilerState s;
    if (words.size() < 2 || !make_profile(words[1], s)) {
      return say("error profile: want profile <idle|heating|hot_water|lockout|cw6|xtreme> [index]");
    }
    if (!targets(2, chosen)) return say("error profile: bad boiler index");
    for (Boiler* b : chosen) {
      b->state = s;
      b->window.clear();
    }
    say("ok profile " + words[1] + where(2));
  } else if (verb == "set") {
    if (words.size() < 3) return say("error set: want set <key> <value> [index]");
    if (!targets(3, chosen)) return say("error set: bad boiler index");
    for (Boiler* b : chosen) {
      std::string why;
      if (!set_field(b->state, words[1], words[2], why))
        return say("error set " + words[1] + ": " + why);
    }
    say("ok set " + words[1] + where(3));
  } else if (verb == "print-state") {
    if (!targets(1, chosen)) return say("error print-state: bad boiler index");
    for (Boiler* b : chosen) {
      say("# boiler " + std::to_string(b->index));
      for (const std::string& l : state_lines(b->state)) say(l);
    }
    say("ok print-state" + where(1));
  } else {
    say("error unknown command '" + verb +
        "' (fault, hangup, return, profile, set, print-state, quit)");
  }
}

int Server::run() {
  if (pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto epoch = Clock::now();
  enum class Role { signal, control, endpoint, listener };
  std::vector<pollfd> fds;
  std::vector<std::pair<Role, Boiler*>> roles;
  while (!quit_) {
    auto now = Clock::now();
    std::optional<Clock::time_point> next;
    for (auto& b : boilers_) {
      if (b->unplugged && now >= b->return_at) {
        std::string error;
        if (plug(*b, error)) {
          log_line(b->index, "plugged back in");
        } else {
          log_line(b->index, "replug failed: " + error + "; retrying");
          b->unplugged = true;
          b->return_at = now + options_.hangup;
        }
      }
      drain(*b, now);
      auto d = deadline(*b);
      if (d && options_.pace && !b->unplugged) d = on_tick(*d, epoch);
      if (d && (!next || *d < *next)) next = d;
    }

    fds.clear();
    roles.clear();
    fds.push_back({g_signal_pipe[0], POLLIN, 0});
    roles.emplace_back(Role::signal, nullptr);
    if (stdin_open_) {
      fds.push_back({STDIN_FILENO, POLLIN, 0});
      roles.emplace_back(Role::control, nullptr);
    }
    for (auto& b : boilers_) {
      if (b->fd >= 0) {
        fds.push_back({b->fd, POLLIN, 0});
        roles.emplace_back(Role::endpoint, b.get());
      }
      if (b->listen_fd >= 0) {
        fds.push_back({b->listen_fd, POLLIN, 0});
        roles.emplace_back(Role::listener, b.get());
      }
    }
    int timeout = -1;
    if (next) timeout = static_cast<int>(std::min<long long>(ms_until(*next, now).count(), 60'000));
    const int ready = poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "intergas-sim: poll: %s\n", errno_text().c_str());
      return 1;
    }
    for (std::size_t i = 0; i < fds.size() && !quit_; ++i) {
      if (fds[i].revents == 0) continue;
      auto [role, b] = roles[i];
      switch (role) {
        case Role::signal:
          quit_ = true;
          break;
        case Role::control: {
          char buf[4096];
          const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
          if (n <= 0) {
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) break;
            stdin_open_ = false;  // keep serving: stdin may be /dev/null
            break;
          }
          stdin_buffer_.append(buf, static_cast<std::size_t>(n));
          for (auto nl = stdin_buffer_.find('\n'); nl != std::string::npos && !quit_;
               nl = stdin_buffer_.find('\n')) {
            std::string line = stdin_buffer_.substr(0, nl);
            stdin_buffer_.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            on_control_line(line);
          }
          break;
        }
        case Role::listener:
          if (b->listen_fd >= 0) accept_client(*b);
          break;
        case Role::endpoint: {
          if (b->fd != fds[i].fd) break;  // closed or replaced by an earlier event this round
          std::uint8_t buf[512];
          const ssize_t n = ::read(b->fd, buf, sizeof buf);
          if (n > 0) {
            on_input(*b, buf, static_cast<std::size_t>(n));
          } else if (options_.transport == ServeOptions::Transport::tcp &&
                     (n == 0 || (errno != EINTR && errno != EAGAIN))) {
            drop_client(*b, n == 0 ? "closed by peer" : "read failed");
          }
          break;
        }
      }
    }
  }
  return 0;
}

}  // namespace intergas::sim
