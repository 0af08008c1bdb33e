// The real intergas-sim program, driven the way a reader drives a boiler: raw request bytes on a
// pty (plain termios) or loopback TCP, replies compared with the frame encoder's output, faults
// injected over the stdin control channel. All waits are bounded polls.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "sim/boiler_state.h"
#include "sim/frame_encoder.h"
#include "tests/frames/golden_frames.h"

namespace intergas::sim {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

// A fresh directory under /tmp, removed (with its files) at the end.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/intergas-sim-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// intergas-sim as a child process with pipes on stdin, stdout and stderr.
class SimProcess {
 public:
  explicit SimProcess(const std::vector<std::string>& args) {
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed test
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
      std::vector<char*> argv;
      static std::string path = INTERGAS_SIM_PATH;
      argv.push_back(path.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(path.c_str(), argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
    fcntl(stdout_, F_SETFL, O_NONBLOCK);
    fcntl(stderr_, F_SETFL, O_NONBLOCK);
  }

  ~SimProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) close(fd);
    }
  }

  // The next stdout line, or nullopt after `timeout`.
  std::optional<std::string> read_line(milliseconds timeout = milliseconds(5000)) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      const auto nl = out_.find('\n');
      if (nl != std::string::npos) {
        std::string line = out_.substr(0, nl);
        out_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{stdout_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 50))) > 0) {
        char buf[4096];
        const ssize_t n = read(stdout_, buf, sizeof buf);
        if (n > 0) out_.append(buf, static_cast<std::size_t>(n));
        if (n == 0) return std::nullopt;
      }
      drain_stderr();
    }
  }

  // Reads stdout lines until one starts with `prefix`; the lines before it go to `skipped`.
  std::optional<std::string> wait_line(const std::string& prefix,
                                       std::vector<std::string>* skipped = nullptr,
                                       milliseconds timeout = milliseconds(5000)) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      auto line = read_line(std::chrono::duration_cast<milliseconds>(until - Clock::now()));
      if (!line) return std::nullopt;
      if (line->rfind(prefix, 0) == 0) return line;
      if (skipped) skipped->push_back(*line);
    }
    return std::nullopt;
  }

  // Sends a control line; returns the "ok ..." / "error ..." answer.
  std::string control(const std::string& line, std::vector<std::string>* output = nullptr) {
    const std::string text = line + "\n";
    if (write(stdin_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) return "";
    for (int i = 0; i < 1000; ++i) {
      auto l = read_line();
      if (!l) return "";
      if (l->rfind("ok", 0) == 0 || l->rfind("error", 0) == 0) return *l;
      if (output) output->push_back(*l);
    }
    return "";
  }

  std::string stderr_text() {
    drain_stderr();
    return err_;
  }

  // Waits for the exit status (after SIGTERM when `term`); -1 on timeout. The wait is on the
  // process itself (a pidfd turns readable when it exits), not a polling loop.
  int wait_exit(milliseconds timeout = milliseconds(5000), bool term = false) {
    if (term) kill(pid_, SIGTERM);
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd < 0) return -1;
    const auto until = Clock::now() + timeout;
    bool exited = false;
    while (!exited && Clock::now() < until) {
      drain_stderr();  // a full stderr pipe would keep it from exiting
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
      pollfd p[2] = {{pidfd, POLLIN, 0}, {stderr_, POLLIN, 0}};
      if (poll(p, 2, static_cast<int>(std::max<long long>(left, 0))) > 0) {
        exited = (p[0].revents & POLLIN) != 0;
      }
    }
    close(pidfd);
    int status = 0;
    if (!exited || waitpid(pid_, &status, 0) != pid_) return -1;
    exited_ = true;
    drain_stderr();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Waits until stderr (the simulator's story) holds `text` at least `times` times.
  bool wait_stderr(const std::string& text, int times = 1,
                   milliseconds timeout = milliseconds(5000)) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      drain_stderr();
      if (count(err_, text) >= times) return true;
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{stderr_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) > 0 && (p.revents & POLLIN) == 0) return false;
    }
  }

  static int count(const std::string& log, const std::string& what) {
    int n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  }

 private:
  void drain_stderr() {
    char buf[4096];
    for (ssize_t n; (n = read(stderr_, buf, sizeof buf)) > 0;) {
      err_.append(buf, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string out_, err_;
};

// A reader's end: a pty opened as a serial port, or a loopback TCP connection.
class Peer {
 public:
  static Peer pty(const std::string& path) {
    Peer p;
    p.fd_ = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (p.fd_ >= 0) {
      termios tio{};
      tcgetattr(p.fd_, &tio);
      cfmakeraw(&tio);
      cfsetispeed(&tio, B9600);
      cfsetospeed(&tio, B9600);
      tcsetattr(p.fd_, TCSANOW, &tio);
      tcflush(p.fd_, TCIOFLUSH);
    }
    return p;
  }
  static Peer tcp(int port) {
    Peer p;
    p.fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (connect(p.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(p.fd_);
      p.fd_ = -1;
    } else {
      fcntl(p.fd_, F_SETFL, O_NONBLOCK);
    }
    return p;
  }
  Peer() = default;
  Peer(Peer&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Peer& operator=(Peer&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Peer() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  bool send(const Bytes& b) {
    return write(fd_, b.data(), b.size()) == static_cast<ssize_t>(b.size());
  }

  // Collects bytes until `want` arrived, `timeout` passed, or the line went quiet for `quiet`
  // after the first byte. `lost` is set on EOF/EIO (the other end went away).
  Bytes receive(std::size_t want, milliseconds timeout, milliseconds quiet = milliseconds(10'000),
                bool* lost = nullptr) {
    Bytes got;
    const auto until = Clock::now() + timeout;
    auto last = Clock::now();
    while (got.size() < want) {
      const auto now = Clock::now();
      if (now >= until || (!got.empty() && now - last >= quiet)) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 5) <= 0) continue;
      std::uint8_t buf[256];
      const ssize_t n = read(fd_, buf, std::min(sizeof buf, want - got.size()));
      if (n > 0) {
        got.insert(got.end(), buf, buf + n);
        last = Clock::now();
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        if (lost) *lost = true;
        break;
      }
    }
    return got;
  }

  // Everything that arrives until the line is quiet for `quiet` (or `timeout`).
  Bytes receive_all(milliseconds quiet, milliseconds timeout = milliseconds(3000)) {
    return receive(100000, timeout, quiet);
  }

 private:
  int fd_ = -1;
};

BoilerState profile(const std::string& name) {
  BoilerState s;
  EXPECT_TRUE(make_profile(name, s));
  return s;
}

Bytes text_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// Starts a pty sim and returns the symlink path once it is ready.
std::string start_pty(SimProcess& sim, const TempDir& dir) {
  EXPECT_TRUE(sim.wait_line("ready").has_value()) << sim.stderr_text();
  return dir / "boiler";
}

int start_tcp(SimProcess& sim) {
  std::vector<std::string> lines;
  EXPECT_TRUE(sim.wait_line("ready", &lines).has_value()) << sim.stderr_text();
  for (const auto& l : lines) {
    if (l.rfind("tcp 0 127.0.0.1:", 0) == 0) return std::atoi(l.c_str() + 16);
  }
  ADD_FAILURE() << "no tcp line";
  return 0;
}

const std::vector<std::string> kFast = {"--no-pace", "--latency-ms", "0"};

std::vector<std::string> args(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

TEST(SimPty, AnswersEveryCommandWithTheProfilesFrames) {
  TempDir dir;
  SimProcess sim(args({"--pty", dir / "boiler", "--profile", "heating"}, kFast));
  Peer peer = Peer::pty(start_pty(sim, dir));
  ASSERT_TRUE(peer.ok());
  const BoilerState state = profile("heating");
  for (Command c : kAllCommands) {
    if (!is_asked_of(c, Model::hre)) continue;  // D2: the Xtreme's alone (IgnoresGarbage...)
    ASSERT_TRUE(peer.send(request_bytes(c, Model::hre)));
    EXPECT_EQ(to_hex(peer.receive(32, milliseconds(3000))), to_hex(encode_reply(state, c)))
        << command_name(c);
  }
  EXPECT_TRUE(peer.receive_all(milliseconds(100), milliseconds(200)).empty());
}

TEST(SimPty, IgnoresGarbageAndUnsupportedCommands) {
  TempDir dir;
  SimProcess sim(args({"--pty", dir / "boiler"}, kFast));
  Peer peer = Peer::pty(start_pty(sim, dir));
  ASSERT_TRUE(peer.ok());
  // H0, REW and D2: not an HRE's commands (protocol.md 3, 12.4)
  ASSERT_TRUE(peer.send(text_bytes("xyzH0\rREWD2\r")));
  EXPECT_TRUE(peer.receive_all(milliseconds(300), milliseconds(300)).empty());
  ASSERT_TRUE(peer.send(text_bytes("SS\r\rqS?\r")));  // resyncs onto the request at the end
  EXPECT_EQ(peer.receive(32, milliseconds(3000)), encode_reply(profile("idle"), Command::status));
}

TEST(SimPty, PacedReplyTakesWireTimeAfterTheLatency) {
  TempDir dir;
  SimProcess sim({"--pty", dir / "boiler", "--latency-ms", "100"});
  Peer peer = Peer::pty(start_pty(sim, dir));
  ASSERT_TRUE(peer.ok());
  const auto t0 = Clock::now();
  ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
  Bytes first = peer.receive(1, milliseconds(3000));
  const auto first_ms = ms_since(t0);
  ASSERT_EQ(first.size(), 1u);
  Bytes rest = peer.receive(31, milliseconds(3000));
  const auto last_ms = ms_since(t0);
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_EQ(first, encode_reply(profile("idle"), Command::status));
  // Lower bounds come from the sim's schedule (a slow test only adds to them): the latency,
  // then 31 more bytes at 1.0417 ms each.
  EXPECT_GE(first_ms, 99);
  EXPECT_GE(last_ms, 100 + 32);
  EXPECT_LT(last_ms, 2000);
}

TEST(SimTcp, XtremeNeedsTheChecksumByte) {
  SimProcess sim(args({"--tcp", "0", "--profile", "xtreme"}, kFast));
  Peer peer = Peer::tcp(start_tcp(sim));
  ASSERT_TRUE(peer.ok());
  const BoilerState state = profile("xtreme");
  ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::xtreme)));
  const Bytes reply = peer.receive(33, milliseconds(3000));
  EXPECT_EQ(reply, encode_reply(state, Command::status));
  EXPECT_EQ(reply.size(), 33u);

  Bytes wrong = request_bytes(Command::status, Model::xtreme);
  wrong[3] ^= 0xFF;
  ASSERT_TRUE(peer.send(wrong));
  EXPECT_TRUE(peer.receive_all(milliseconds(300), milliseconds(300)).empty());
  ASSERT_TRUE(peer.send(text_bytes("S?\r")));  // without the XOR byte
  EXPECT_TRUE(peer.receive_all(milliseconds(300), milliseconds(300)).empty());

  ASSERT_TRUE(peer.send(request_bytes(Command::version, Model::xtreme)));  // REV: plain
  EXPECT_EQ(peer.receive(32, milliseconds(3000)), encode_reply(state, Command::version));
  ASSERT_TRUE(peer.send(request_bytes(Command::counters, Model::xtreme)));  // H0 + XOR
  EXPECT_EQ(peer.receive(33, milliseconds(3000)), encode_reply(state, Command::counters));
}

// The xtreme profile answers D2 with the table's row (protocol.md 14.8), and from its state: a
// `set` changes the next reply.
TEST(SimTcp, XtremeAnswersD2FromItsState) {
  SimProcess sim(args({"--tcp", "0", "--profile", "xtreme"}, kFast));
  Peer peer = Peer::tcp(start_tcp(sim));
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(peer.send(Bytes{0x44, 0x32, 0x0D, 0x7B}));  // "D2\r" + XOR (protocol.md 3)
  EXPECT_EQ(to_hex(peer.receive(33, milliseconds(3000))),
            to_hex(golden::frame(golden::kSyntheticXtremeStatusExtra2)));
  ASSERT_TRUE(peer.send(text_bytes("D2\r")));  // without the XOR byte: ignored
  EXPECT_TRUE(peer.receive_all(milliseconds(300), milliseconds(300)).empty());
  EXPECT_EQ(sim.control("set status_extra2.pump_speed_actual_rpm 4660"),
            "ok set status_extra2.pump_speed_actual_rpm all");
  EXPECT_EQ(sim.control("set status_extra2.valve_position_actual_steps -2"),
            "ok set status_extra2.valve_position_actual_steps all");
  ASSERT_TRUE(peer.send(Bytes{0x44, 0x32, 0x0D, 0x7B}));
  const Bytes reply = peer.receive(33, milliseconds(3000));
  ASSERT_EQ(reply.size(), 33u);
  // Worked by hand: 4660 = 0x1234 at bytes 12-13; -2 = 0xFFFE at 30-31; the XOR byte follows.
  EXPECT_EQ(reply[12], 0x34);
  EXPECT_EQ(reply[13], 0x12);
  EXPECT_EQ(reply[30], 0xFE);
  EXPECT_EQ(reply[31], 0xFF);
  EXPECT_EQ(reply[32], xor_of(ByteView(reply.data(), 32)));
}

TEST(SimTcp, RefusesASecondClient) {
  SimProcess sim(args({"--tcp", "0"}, kFast));
  const int port = start_tcp(sim);
  Peer first = Peer::tcp(port);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first.send(request_bytes(Command::status, Model::hre)));  // accepted by now
  EXPECT_EQ(first.receive(32, milliseconds(3000)).size(), 32u);
  Peer second = Peer::tcp(port);
  ASSERT_TRUE(second.ok());  // the kernel accepts; the sim closes it
  bool lost = false;
  second.receive(1, milliseconds(3000), milliseconds(3000), &lost);
  EXPECT_TRUE(lost);
  ASSERT_TRUE(first.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(first.receive(32, milliseconds(3000)).size(), 32u);
  EXPECT_NE(sim.stderr_text().find("boiler 0: refused a second client"), std::string::npos);
}

class SimFault : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<SimProcess>(
        args({"--tcp", "0", "--late-ms", "700", "--seed", "3"}, kFast));
    port_ = start_tcp(*sim_);
    peer_ = Peer::tcp(port_);
    ASSERT_TRUE(peer_.ok());
  }
  void ask() { ASSERT_TRUE(peer_.send(request_bytes(Command::status, Model::hre))); }

  std::unique_ptr<SimProcess> sim_;
  int port_ = 0;
  Peer peer_;
  const Bytes idle_ = encode_reply(profile("idle"), Command::status);
};

TEST_F(SimFault, Silence) {
  EXPECT_EQ(sim_->control("fault silence 0"), "ok fault silence 0");
  ask();
  EXPECT_TRUE(peer_.receive_all(milliseconds(300), milliseconds(300)).empty());
  ask();  // only one reply is affected
  EXPECT_EQ(peer_.receive(32, milliseconds(3000)), idle_);
  EXPECT_NE(sim_->stderr_text().find("boiler 0: fault silence on status"), std::string::npos);
}

TEST_F(SimFault, Short) {
  EXPECT_EQ(sim_->control("fault short"), "ok fault short all");
  ask();
  const Bytes got = peer_.receive_all(milliseconds(300));
  EXPECT_GE(got.size(), 1u);
  EXPECT_LT(got.size(), 32u);
  EXPECT_EQ(got, Bytes(idle_.begin(), idle_.begin() + static_cast<long>(got.size())));
}

TEST_F(SimFault, Garbage) {
  EXPECT_EQ(sim_->control("fault garbage 0"), "ok fault garbage 0");
  ask();
  EXPECT_GT(peer_.receive_all(milliseconds(300)).size(), 32u);
}

TEST_F(SimFault, Late) {
  EXPECT_EQ(sim_->control("fault late 0"), "ok fault late 0");
  const auto t0 = Clock::now();
  ask();
  EXPECT_TRUE(peer_.receive(32, milliseconds(400)).empty());
  EXPECT_EQ(peer_.receive(32, milliseconds(3000)), idle_);
  EXPECT_GE(ms_since(t0), 690);
}

TEST_F(SimFault, Stray) {
  EXPECT_EQ(sim_->control("fault stray 0"), "ok fault stray 0");
  ask();
  EXPECT_EQ(peer_.receive(32, milliseconds(3000)), idle_);
  const Bytes stray = peer_.receive_all(milliseconds(400), milliseconds(2000));  // no request sent
  EXPECT_GE(stray.size(), 1u);
  EXPECT_LE(stray.size(), 5u);
}

int popcount_of_xor(const Bytes& a, const Bytes& b) {
  int n = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    n += __builtin_popcount(static_cast<unsigned>(a[i] ^ b[i]));
  }
  return n;
}

TEST_F(SimFault, FlipKeepsTheLengthAndInvertsOneBit) {
  EXPECT_EQ(sim_->control("fault flip 0"), "ok fault flip 0");
  ask();
  const Bytes got = peer_.receive(32, milliseconds(3000));
  ASSERT_EQ(got.size(), 32u);
  EXPECT_EQ(popcount_of_xor(got, idle_), 1);
  ask();  // the next reply is clean and right behind it: nothing was added
  EXPECT_EQ(peer_.receive(32, milliseconds(3000)), idle_);
  EXPECT_NE(sim_->stderr_text().find("boiler 0: fault flip on status (byte "), std::string::npos);
}

TEST_F(SimFault, Flip2InvertsOneBitInTwoBytes) {
  EXPECT_EQ(sim_->control("fault flip2 0"), "ok fault flip2 0");
  ask();
  const Bytes got = peer_.receive(32, milliseconds(3000));
  ASSERT_EQ(got.size(), 32u);
  EXPECT_EQ(popcount_of_xor(got, idle_), 2);
}

TEST_F(SimFault, HangupClosesTheConnectionUntilReturn) {
  EXPECT_EQ(sim_->control("fault hangup 0"), "ok fault hangup 0");
  ask();
  bool lost = false;
  peer_.receive(1, milliseconds(3000), milliseconds(3000), &lost);
  EXPECT_TRUE(lost);
  EXPECT_FALSE(Peer::tcp(port_).ok()) << sim_->stderr_text();  // the listener is gone too
  EXPECT_EQ(sim_->control("return 0"), "ok return 0");
  Peer again = Peer::tcp(port_);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(again.receive(32, milliseconds(3000)), idle_);
}

TEST(SimHangup, PtyLinkGoesAndComesBackWithANewPty) {
  TempDir dir;
  SimProcess sim(args({"--pty", dir / "boiler", "--hangup-ms", "60000"}, kFast));
  std::vector<std::string> lines;
  ASSERT_TRUE(sim.wait_line("ready", &lines));
  const std::string link = dir / "boiler";
  char target[256] = {};
  ASSERT_GT(readlink(link.c_str(), target, sizeof target - 1), 0);
  const std::string old_target = target;
  Peer peer = Peer::pty(link);
  ASSERT_TRUE(peer.ok());

  EXPECT_EQ(sim.control("hangup 0"), "ok hangup 0");
  struct stat st {};
  EXPECT_NE(lstat(link.c_str(), &st), 0);  // the symlink is gone
  bool lost = false;
  peer.receive(1, milliseconds(2000), milliseconds(2000), &lost);
  EXPECT_TRUE(lost);  // EIO or EOF on the old pty

  EXPECT_EQ(sim.control("return 0"), "ok return 0");
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  Peer again = Peer::pty(link);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(again.receive(32, milliseconds(3000)), encode_reply(profile("idle"), Command::status));
  const std::string log = sim.stderr_text();
  EXPECT_NE(log.find("boiler 0: unplugged"), std::string::npos) << log;
  EXPECT_NE(log.find("boiler 0: plugged back in"), std::string::npos) << log;
}

TEST(SimHangup, ComesBackByItselfAfterHangupMs) {
  TempDir dir;
  SimProcess sim(args({"--pty", dir / "boiler", "--hangup-ms", "300"}, kFast));
  ASSERT_TRUE(sim.wait_line("ready"));
  const auto t0 = Clock::now();
  EXPECT_EQ(sim.control("hangup"), "ok hangup all");
  const std::string link = dir / "boiler";
  struct stat st {};
  EXPECT_NE(lstat(link.c_str(), &st), 0) << "unplugged: the link is gone";
  ASSERT_TRUE(sim.wait_stderr("boiler 0: plugged back in")) << sim.stderr_text();
  EXPECT_GE(ms_since(t0), 250) << "not before --hangup-ms";  // a lower bound: a slow run only adds
  EXPECT_EQ(lstat(link.c_str(), &st), 0);
  Peer peer = Peer::pty(link);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(peer.receive(32, milliseconds(3000)).size(), 32u);
}

TEST(SimReplay, ServesCapturedBytesVerbatimAndInTurn) {
  TempDir dir;
  const std::string capture = dir / "capture.txt";
  Bytes a(32), b(32);
  for (std::size_t i = 0; i < 32; ++i) {
    a[i] = static_cast<std::uint8_t>(i);
    b[i] = static_cast<std::uint8_t>(0xFF - i);
  }
  {
    std::ofstream out(capture);
    out << "# intergas-read --raw\nstatus " << to_hex(a) << "\nstatus " << to_hex(b)
        << "\n\nversion " << to_hex(b) << "\n";
  }
  SimProcess sim(args({"--tcp", "0", "--replay", capture}, kFast));
  Peer peer = Peer::tcp(start_tcp(sim));
  ASSERT_TRUE(peer.ok());
  for (const Bytes* want : {&a, &b, &a}) {
    ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
    EXPECT_EQ(peer.receive(32, milliseconds(3000)), *want);
  }
  ASSERT_TRUE(peer.send(request_bytes(Command::version, Model::hre)));
  EXPECT_EQ(peer.receive(32, milliseconds(3000)), b);
  ASSERT_TRUE(peer.send(request_bytes(Command::counters, Model::hre)));  // not captured
  EXPECT_TRUE(peer.receive_all(milliseconds(300), milliseconds(300)).empty());
}

// The "fault" lines of one seeded run of 40 status requests. The fault sequence depends only on
// the sequence of requests, so the requests need not wait for their replies.
std::vector<std::string> fault_log(const std::string& seed) {
  SimProcess sim(
      args({"--tcp", "0", "--verbose", "--seed", seed, "--fault-rate",
            "silence=0.15,short=0.15,garbage=0.15,stray=0.15,late=0.1", "--late-ms", "150"},
           kFast));
  Peer peer = Peer::tcp(start_tcp(sim));
  EXPECT_TRUE(peer.ok());
  const int kRequests = 40;
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
    // One request at a time: the next goes once the simulator logged this one.
    EXPECT_TRUE(sim.wait_stderr("request status", i + 1)) << "request " << i;
  }
  auto count = SimProcess::count;
  EXPECT_EQ(sim.control("quit"), "ok quit");
  EXPECT_EQ(sim.wait_exit(), 0);
  std::vector<std::string> faults;
  std::string log = sim.stderr_text();
  EXPECT_EQ(count(log, "request status"), kRequests);
  for (std::size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos; at = nl + 1) {
    const std::string line = log.substr(at, nl - at);
    if (line.find(": fault ") != std::string::npos) faults.push_back(line);
  }
  return faults;
}

TEST(SimDeterminism, SameSeedSameFaultSequence) {
  const auto first = fault_log("42");
  EXPECT_GE(first.size(), 10u);
  EXPECT_EQ(first, fault_log("42"));
  EXPECT_NE(first, fault_log("43"));
}

TEST(SimControl, SetAndPrintState) {
  SimProcess sim(args({"--tcp", "0", "--count", "2"}, kFast));
  std::vector<std::string> lines;
  ASSERT_TRUE(sim.wait_line("ready", &lines));
  ASSERT_EQ(lines.size(), 2u);
  const int port1 = std::atoi(lines[1].c_str() + std::string("tcp 1 127.0.0.1:").size());
  EXPECT_EQ(sim.control("set status.supply_celsius 55.25 1"), "ok set status.supply_celsius 1");
  EXPECT_EQ(sim.control("set counters.burner_starts 70000"), "ok set counters.burner_starts all");
  EXPECT_EQ(sim.control("set status.nope 1").rfind("error", 0), 0u);
  EXPECT_EQ(sim.control("set status.status_code 204 7").rfind("error", 0), 0u);
  EXPECT_EQ(sim.control("explode").rfind("error", 0), 0u);

  std::vector<std::string> state;
  EXPECT_EQ(sim.control("print-state 1", &state), "ok print-state 1");
  BoilerState want = profile("idle");
  want.status.supply_celsius = 55.25;
  want.counters.burner_starts = 70000;
  std::vector<std::string> expected = {"# boiler 1"};
  for (const auto& l : state_lines(want)) expected.push_back(l);
  EXPECT_EQ(state, expected);

  Peer peer = Peer::tcp(port1);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(peer.receive(32, milliseconds(3000)), encode_reply(want, Command::status));
  EXPECT_EQ(sim.control("profile lockout 1"), "ok profile lockout 1");
  ASSERT_TRUE(peer.send(request_bytes(Command::status, Model::hre)));
  EXPECT_EQ(peer.receive(32, milliseconds(3000)),
            encode_reply(profile("lockout"), Command::status));
}

TEST(SimCli, CountMakesNumberedLinksAndSigtermRemovesThem) {
  TempDir dir;
  SimProcess sim(args({"--pty", dir / "b", "--count", "3"}, kFast));
  std::vector<std::string> lines;
  ASSERT_TRUE(sim.wait_line("ready", &lines));
  ASSERT_EQ(lines.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        lines[static_cast<std::size_t>(i)].rfind("pty " + std::to_string(i) + " /dev/pts/", 0), 0u);
    Peer peer = Peer::pty(dir / ("b." + std::to_string(i)));
    ASSERT_TRUE(peer.ok()) << i;
    ASSERT_TRUE(peer.send(request_bytes(Command::version, Model::hre)));
    EXPECT_EQ(peer.receive(32, milliseconds(3000)).size(), 32u);
  }
  EXPECT_EQ(sim.wait_exit(milliseconds(5000), /*term=*/true), 0);
  struct stat st {};
  for (int i = 0; i < 3; ++i) EXPECT_NE(lstat((dir / ("b." + std::to_string(i))).c_str(), &st), 0);
}

TEST(SimCli, StateFilePrintStateAndErrors) {
  TempDir dir;
  {
    std::ofstream out(dir / "state");
    out << "# test\nstatus.supply_celsius = 55.25\nstatus.status_code = 204\n"
           "counters.burner_starts = 70000\n";
  }
  SimProcess ok({"--print-state", "--state", dir / "state"});
  std::vector<std::string> lines;
  for (auto l = ok.read_line(); l; l = ok.read_line()) lines.push_back(*l);
  EXPECT_EQ(ok.wait_exit(), 0);
  BoilerState want = profile("idle");
  want.status.supply_celsius = 55.25;
  want.status.status_code = 204;
  want.counters.burner_starts = 70000;
  EXPECT_EQ(lines, state_lines(want));

  {
    std::ofstream out(dir / "bad");
    out << "status.supply_celsius = 55.25\nstatus.status_code = lots\n";
  }
  SimProcess bad({"--print-state", "--state", dir / "bad"});
  EXPECT_NE(bad.wait_exit(), 0);
  const std::string err = bad.stderr_text();
  EXPECT_NE(err.find(":2:"), std::string::npos) << err;
  EXPECT_NE(err.find("status.status_code"), std::string::npos) << err;

  SimProcess unknown({"--pty", dir / "x", "--frobnicate"});
  EXPECT_EQ(unknown.wait_exit(), 2);
  EXPECT_NE(unknown.stderr_text().find("--frobnicate"), std::string::npos);
  SimProcess both({"--pty", dir / "x", "--tcp", "0"});
  EXPECT_EQ(both.wait_exit(), 2);
  SimProcess help({"--help"});
  EXPECT_EQ(help.wait_exit(), 0);
}

// The state intergas-sim serves now, read back over its control channel: the oracle for the reply
// it just sent (the dynamics moves only when a request arrives).
BoilerState served_state(SimProcess& sim) {
  std::vector<std::string> lines;
  EXPECT_EQ(sim.control("print-state 0", &lines), "ok print-state 0");
  BoilerState s;
  for (const std::string& line : lines) {
    const auto eq = line.find(" = ");
    if (line.rfind("#", 0) == 0 || eq == std::string::npos) continue;
    std::string error;
    EXPECT_TRUE(set_field(s, line.substr(0, eq), line.substr(eq + 3), error)) << line << error;
  }
  return s;
}

// --dynamic with half the replies hit by a flipped bit, on a pty at 9600-baud pace: every reply
// is the served state's frame with at most one bit inverted (so no reply gained or lost a byte,
// or the next ones would be shifted), each flip is logged, and clean replies change while the
// boiler burns. Runs until each of these was seen (bounded by a generous deadline).
TEST(SimDynamicPty, FlippedRepliesKeepTheirLengthAndValuesMove) {
  TempDir dir;
  SimProcess sim({"--pty", dir / "boiler", "--profile", "heating", "--dynamic", "--burn-s", "3",
                  "--rest-s", "1", "--gas-lph", "3600", "--fault-rate", "flip=0.5", "--seed", "5",
                  "--latency-ms", "20"});
  Peer peer = Peer::pty(start_pty(sim, dir));
  ASSERT_TRUE(peer.ok());
  std::optional<Bytes> last_clean[2];
  int flipped = 0, clean = 0, changed[2] = {0, 0};
  const Command asked[2] = {Command::status, Command::counters};
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  for (int i = 0; Clock::now() < deadline; ++i) {
    if (flipped >= 3 && changed[0] >= 2 && changed[1] >= 2) break;
    const Command c = asked[i % 2];
    ASSERT_TRUE(peer.send(request_bytes(c, Model::hre)));
    const Bytes got = peer.receive(32, milliseconds(3000));
    ASSERT_EQ(got.size(), 32u) << "exchange " << i;
    const Bytes want = encode_reply(served_state(sim), c);
    const int bits = popcount_of_xor(got, want);
    ASSERT_LE(bits, 1) << "exchange " << i << ": " << to_hex(got) << " vs " << to_hex(want);
    if (bits == 1) {
      ++flipped;
      continue;
    }
    ++clean;
    auto& last = last_clean[i % 2];
    changed[i % 2] += last && *last != got;
    last = got;
  }
  EXPECT_GE(flipped, 3);
  EXPECT_GE(clean, 3);
  EXPECT_GE(changed[0], 2) << "status replies never changed";
  EXPECT_GE(changed[1], 2) << "counters replies never changed";
  EXPECT_EQ(SimProcess::count(sim.stderr_text(), ": fault flip on "), flipped);
  // After the last reply nothing more arrives: quit, and the pty ends without another byte.
  EXPECT_EQ(sim.control("quit"), "ok quit");
  bool lost = false;
  EXPECT_TRUE(peer.receive(1, milliseconds(5000), milliseconds(5000), &lost).empty());
  EXPECT_EQ(sim.wait_exit(), 0);
}

TEST(SimCli, DynamicOptionsAreChecked) {
  TempDir dir;
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--burn-s", "0"},
                                              {"--rest-s", "x"},
                                              {"--dhw-every", "-1"},
                                              {"--gas-lph", "100001"},
                                              {"--dynamic", "--replay", dir / "capture"},
                                              {"--fault-rate", "flip=0.6,burst=0.6"}}) {
    SimProcess sim(args({"--pty", dir / "x"}, bad));
    EXPECT_EQ(sim.wait_exit(), 2) << bad[0];
    EXPECT_NE(sim.stderr_text().find(bad[0] == "--dynamic" ? "--dynamic and --replay" : bad[0]),
              std::string::npos)
        << sim.stderr_text();
  }
}

}  // namespace
}  // namespace intergas::sim
