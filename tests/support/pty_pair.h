// Test helpers for byte links on real parts: openpty pairs, socat pty pairs that can be
// "unplugged" and plugged back, temporary directories and bounded waits (never fixed sleeps).
// Setup failures throw std::runtime_error; tests only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <string>

namespace intergas::test {

using namespace std::chrono_literals;

// Long enough for a loaded 2-core machine; conditions normally hold within milliseconds.
inline constexpr std::chrono::milliseconds kWaitLimit{10000};

// Calls `condition` every few milliseconds until it holds (true) or `limit` passed (false).
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = kWaitLimit);

// poll() on one descriptor: the revents seen within `limit` (0 on timeout). EINTR retried.
short poll_fd(int fd, short events, std::chrono::milliseconds limit = kWaitLimit);

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Makes a symbolic link `link` -> `target`, creating parent directories (like udev's by-id links).
void make_symlink(const std::string& target, const std::string& link);

// An openpty() pair: the test plays the boiler on the master, the code under test opens the slave
// by path. The slave descriptor from openpty is closed at once, so the code under test is the only
// slave user. The master is non-blocking.
class PtyPair {
 public:
  PtyPair();
  ~PtyPair();
  PtyPair(const PtyPair&) = delete;
  PtyPair& operator=(const PtyPair&) = delete;

  int master() const { return master_; }
  const std::string& slave_path() const { return slave_path_; }
  // Closes the master: the slave hangs up, as a USB adapter does when unplugged.
  void close_master();

  // Writes all of `bytes` to the master (waits for room, bounded).
  void write_master(const std::string& bytes);
  // Reads from the master until `size` bytes arrived or `limit` passed; returns what arrived.
  std::string read_master(std::size_t size, std::chrono::milliseconds limit = kWaitLimit);

 private:
  int master_ = -1;
  std::string slave_path_;
};

// `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`: two ptys joined by socat. Killing socat
// hangs both up and removes the links: the closest model of a USB adapter being unplugged.
class SocatPair {
 public:
  // Starts socat and waits (bounded) until both links exist; its log goes to `log_path`.
  SocatPair(std::string link_a, std::string link_b, std::string log_path);
  ~SocatPair();
  SocatPair(const SocatPair&) = delete;
  SocatPair& operator=(const SocatPair&) = delete;

  const std::string& link_a() const { return link_a_; }
  const std::string& link_b() const { return link_b_; }
  bool is_running() const { return pid_ > 0; }

  // Sends `signal_number` and reaps socat (bounded wait, then SIGKILL).
  void stop(int signal_number = SIGTERM);
  // Starts socat again on the same links (removing stale ones first).
  void start();

 private:
  std::string link_a_;
  std::string link_b_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// Opens a pty path (e.g. SocatPair::link_b) for the test's side: raw, non-blocking. Returns the fd.
int open_raw_tty(const std::string& path);

// Writes all of `bytes` to `fd` (waits for room, bounded). Throws on failure.
void write_all_fd(int fd, const std::string& bytes);
// Reads from `fd` until `size` bytes arrived or `limit` passed; returns what arrived.
std::string read_fd(int fd, std::size_t size, std::chrono::milliseconds limit = kWaitLimit);

}  // namespace intergas::test
