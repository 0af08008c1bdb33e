// SerialLink on openpty pairs (the boiler played on the master) and socat pairs (unplug/replug).
#include "link/serial_link.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "link/link_error.h"
#include "tests/link/link_text.h"
#include "tests/support/pty_pair.h"

namespace intergas {
namespace {

using test::kWaitLimit;
using test::poll_fd;
using test::PtyPair;
using test::read_text;
using test::SocatPair;
using test::TempDir;
using test::wait_until;
using test::write_text;

std::string canonical(const std::string& path) {
  char buffer[PATH_MAX];
  return ::realpath(path.c_str(), buffer) ? std::string(buffer) : path;
}

// Polls the link (as the driver would) and reads once the descriptor reports something.
ReadResult read_after_poll(Link& link, short* revents = nullptr) {
  const short seen = poll_fd(link.fd(), POLLIN, kWaitLimit);
  if (revents != nullptr) *revents = seen;
  std::uint8_t buffer[64];
  return link.read_some(buffer, sizeof buffer);
}

TEST(SerialLink, OpensPtyThroughByIdStyleSymlink) {
  PtyPair pty;
  TempDir dir;
  const std::string by_id = dir.file("serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0");
  test::make_symlink(pty.slave_path(), by_id);

  SerialLink link(by_id);
  const OpenResult result = link.open();
  ASSERT_EQ(result.state, OpenState::open) << result.error.message();
  EXPECT_TRUE(link.is_open());
  EXPECT_GE(link.fd(), 0);
  EXPECT_EQ(link.name(), by_id);
  EXPECT_EQ(link.resolved_name(), canonical(pty.slave_path()));
}

TEST(SerialLink, AppliesRaw9600EightNOneAndRestoresOnClose) {
  PtyPair pty;
  // A second, plain descriptor on the slave to watch the settings from outside.
  const int observer = ::open(pty.slave_path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(observer, 0);
  termios before{};
  ASSERT_EQ(::tcgetattr(observer, &before), 0);
  ASSERT_TRUE(before.c_lflag & ICANON) << "a fresh pty starts cooked";

  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  termios tio{};
  ASSERT_EQ(::tcgetattr(observer, &tio), 0);
  EXPECT_EQ(::cfgetispeed(&tio), static_cast<speed_t>(B9600));
  EXPECT_EQ(::cfgetospeed(&tio), static_cast<speed_t>(B9600));
  EXPECT_EQ(tio.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_FALSE(tio.c_cflag & (PARENB | CSTOPB | CRTSCTS));
  EXPECT_EQ(tio.c_cflag & (CLOCAL | CREAD), static_cast<tcflag_t>(CLOCAL | CREAD));
  EXPECT_FALSE(tio.c_lflag & (ICANON | ECHO | ISIG | IEXTEN));
  EXPECT_FALSE(tio.c_iflag & (IXON | IXOFF | ICRNL | INLCR | ISTRIP));
  EXPECT_FALSE(tio.c_oflag & OPOST);
  EXPECT_EQ(tio.c_cc[VMIN], 0);
  EXPECT_EQ(tio.c_cc[VTIME], 0);

  link.close();
  EXPECT_FALSE(link.is_open());
  EXPECT_EQ(link.fd(), -1);
  termios after{};
  ASSERT_EQ(::tcgetattr(observer, &after), 0);
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_cflag, before.c_cflag);
  EXPECT_EQ(::cfgetospeed(&after), ::cfgetospeed(&before));
  ::close(observer);
}

TEST(SerialLink, TransfersBytesBothWays) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);

  ASSERT_FALSE(write_text(link, "S?\r"));
  EXPECT_EQ(pty.read_master(3), "S?\r");

  // A whole 32-byte frame, bytes a cooked tty would mangle (CR, NUL, 0xff, ^C, ^S) included.
  std::string frame;
  for (int i = 0; i < 32; ++i) frame.push_back(static_cast<char>(i * 37 + 3));
  frame[0] = '\r';
  frame[1] = '\0';
  frame[2] = '\xff';
  frame[3] = '\x03';
  frame[4] = '\x13';
  pty.write_master(frame);
  EXPECT_EQ(read_text(link, frame.size()), frame);
}

TEST(SerialLink, ReadSomeReturnsZeroWhenNothingPending) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  std::uint8_t buffer[8];
  const ReadResult result = link.read_some(buffer, sizeof buffer);
  EXPECT_EQ(result.bytes, 0u);
  EXPECT_FALSE(result.lost);
  EXPECT_FALSE(result.error);
  EXPECT_TRUE(link.is_open());
}

TEST(SerialLink, DrainDiscardsPendingInput) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  pty.write_master("stale half frame");
  ASSERT_NE(poll_fd(link.fd(), POLLIN) & POLLIN, 0);

  EXPECT_TRUE(link.drain());
  EXPECT_TRUE(link.is_open());
  std::uint8_t buffer[32];
  EXPECT_EQ(link.read_some(buffer, sizeof buffer).bytes, 0u);

  pty.write_master("fresh");
  EXPECT_EQ(read_text(link, 5), "fresh");
}

TEST(SerialLink, MasterClosedIsReportedAsLost) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);

  pty.close_master();
  short revents = 0;
  const ReadResult result = read_after_poll(link, &revents);
  EXPECT_NE(revents & POLLHUP, 0) << "revents " << revents;
  EXPECT_TRUE(result.lost);
  // Linux hangs the slave up: read() returns 0 (EOF), reported as hung_up (an io_error).
  EXPECT_EQ(result.error, std::errc::io_error) << result.error.message();
  EXPECT_FALSE(link.is_open());
  EXPECT_EQ(link.fd(), -1);
  EXPECT_NE(link.last_error_text().find(pty.slave_path()), std::string::npos)
      << link.last_error_text();
}

TEST(SerialLink, WriteAfterHangUpFailsAndCloses) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  pty.close_master();
  const std::error_code error = write_text(link, "S?\r");
  EXPECT_TRUE(error);
  EXPECT_FALSE(link.is_open());
  EXPECT_EQ(write_text(link, "S?\r"), std::errc::not_connected);
}

TEST(SerialLink, DrainOnHungUpLinkReportsLoss) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  pty.close_master();
  ASSERT_NE(poll_fd(link.fd(), POLLIN) & POLLHUP, 0);
  EXPECT_FALSE(link.drain());
  EXPECT_FALSE(link.is_open());
}

TEST(SerialLink, SecondReaderIsRefusedAsBusy) {
  PtyPair pty;
  SerialLink first(pty.slave_path());
  ASSERT_EQ(first.open().state, OpenState::open);

  SerialLink second(pty.slave_path());
  const OpenResult result = second.open();
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, std::errc::device_or_resource_busy);
  EXPECT_EQ(result.error, LinkErrc::device_busy);
  EXPECT_EQ(result.error.message(), "device busy: another reader has it open");
  EXPECT_FALSE(second.is_open());
  EXPECT_NE(second.last_error_text().find("device busy"), std::string::npos);

  // The refused reader flushed nothing and left the first one's settings alone.
  pty.write_master("ab");
  ASSERT_NE(poll_fd(first.fd(), POLLIN) & POLLIN, 0);
  SerialLink third(pty.slave_path());
  EXPECT_EQ(third.open().state, OpenState::failed);
  EXPECT_EQ(read_text(first, 2), "ab");
  ASSERT_FALSE(write_text(first, "S?\r"));
  EXPECT_EQ(pty.read_master(3), "S?\r");

  // Once the first lets go, the device is free again.
  first.close();
  EXPECT_EQ(second.open().state, OpenState::open);
}

TEST(SerialLink, SecondProcessIsRefusedAsBusy) {
  PtyPair pty;
  SerialLink first(pty.slave_path());
  ASSERT_EQ(first.open().state, OpenState::open);

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SerialLink other(pty.slave_path());
    const OpenResult result = other.open();
    ::_exit(result.state == OpenState::failed && result.error == LinkErrc::device_busy ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the other process was not refused as busy";
}

TEST(SerialLink, UnprivilegedProcessIsStoppedByTiocexcl) {
  // Root gets past TIOCEXCL (flock stops it, tested above); an ordinary user's open() itself fails
  // with EBUSY, which must read as the same busy error.
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  PtyPair pty;
  ASSERT_EQ(::chmod(pty.slave_path().c_str(), 0666), 0);
  SerialLink first(pty.slave_path());
  ASSERT_EQ(first.open().state, OpenState::open);

  // Exit status of an unprivileged child's open(): 0 open, 1 busy, 2 other failure, 3 no setuid.
  const auto open_as_nobody = [&] {
    const pid_t child = ::fork();
    if (child == 0) {
      constexpr uid_t kNobody = 65534;
      if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(3);
      SerialLink other(pty.slave_path());
      const OpenResult result = other.open();
      ::_exit(result.state == OpenState::open ? 0 : result.error == LinkErrc::device_busy ? 1 : 2);
    }
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
  };
  const int while_held = open_as_nobody();
  if (while_held == 3) GTEST_SKIP() << "cannot switch to uid 65534 here";
  EXPECT_EQ(while_held, 1) << "the unprivileged process was not refused as busy";

  // close() clears TIOCEXCL, which would otherwise outlive us on a pty whose master stays open.
  first.close();
  EXPECT_EQ(open_as_nobody(), 0);
}

TEST(SerialLink, NonExclusiveLinksShareTheDevice) {
  PtyPair pty;
  SerialLink first(pty.slave_path(), SerialLink::Access::shared);
  SerialLink second(pty.slave_path(), SerialLink::Access::shared);
  EXPECT_EQ(first.open().state, OpenState::open);
  EXPECT_EQ(second.open().state, OpenState::open);
}

TEST(SerialLink, ReopensAfterClose) {
  PtyPair pty;
  SerialLink link(pty.slave_path());
  ASSERT_EQ(link.open().state, OpenState::open);
  EXPECT_EQ(link.open().state, OpenState::open) << "open() on an open link closes first";
  link.close();
  link.close();
  ASSERT_EQ(link.open().state, OpenState::open);
  ASSERT_FALSE(write_text(link, "x"));
  EXPECT_EQ(pty.read_master(1), "x");
  EXPECT_EQ(link.finish_open(false).state, OpenState::open);
}

TEST(SerialLink, RefusesWhatIsNotATerminal) {
  TempDir dir;
  const std::string file = dir.file("plain");
  ::close(::open(file.c_str(), O_CREAT | O_WRONLY, 0644));
  SerialLink link(file);
  const OpenResult result = link.open();
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, LinkErrc::not_a_tty);
  EXPECT_FALSE(link.is_open());

  SerialLink null_device("/dev/null");
  EXPECT_EQ(null_device.open().error, LinkErrc::not_a_tty);
}

TEST(SerialLink, MissingDeviceFailsWithEnoent) {
  SerialLink link("/dev/serial/by-id/usb-nothing-here-if00-port0");
  const OpenResult result = link.open();
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, std::errc::no_such_file_or_directory);
  EXPECT_EQ(link.finish_open(false).state, OpenState::failed);
  std::uint8_t buffer[4];
  EXPECT_TRUE(link.read_some(buffer, sizeof buffer).lost);
  EXPECT_FALSE(link.drain());
}

TEST(SerialLink, ResolverRunsAtEveryOpen) {
  PtyPair before;
  PtyPair after;
  std::string current = before.slave_path();
  int calls = 0;
  SerialLink link("usb:0403:6001", [&](std::string& path, std::string&) {
    ++calls;
    path = current;
    return std::error_code{};
  });
  ASSERT_EQ(link.open().state, OpenState::open);
  EXPECT_EQ(link.resolved_name(), canonical(before.slave_path()));

  // The adapter comes back under another name.
  before.close_master();
  EXPECT_TRUE(read_after_poll(link).lost);
  current = after.slave_path();
  ASSERT_EQ(link.open().state, OpenState::open);
  EXPECT_EQ(link.resolved_name(), canonical(after.slave_path()));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(link.name(), "usb:0403:6001");
}

TEST(SerialLink, ResolverFailureIsReportedWithItsDetail) {
  SerialLink link("usb:0403:6001", [](std::string&, std::string& detail) {
    detail = "2 adapters match usb:0403:6001; add the serial number";
    return make_error_code(LinkErrc::usb_ambiguous);
  });
  const OpenResult result = link.open();
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, LinkErrc::usb_ambiguous);
  EXPECT_EQ(link.last_error_text(),
            "usb:0403:6001: 2 adapters match usb:0403:6001; add the serial number");
  EXPECT_EQ(link.resolved_name(), "");
}

// socat models a USB adapter: killing it hangs the link up and removes the device path;
// restarting it is plugging the adapter back in.
TEST(SerialLinkSocat, UnplugIsLostAndReplugReopens) {
  TempDir dir;
  SocatPair socat(dir.file("boiler-adapter"), dir.file("boiler-side"), dir.file("socat.log"));
  SerialLink link(socat.link_a());
  ASSERT_EQ(link.open().state, OpenState::open) << link.last_error_text();
  int boiler = test::open_raw_tty(socat.link_b());
  ASSERT_FALSE(write_text(link, "S?\r"));
  EXPECT_EQ(test::read_fd(boiler, 3), "S?\r");
  test::write_all_fd(boiler, "reply");
  EXPECT_EQ(read_text(link, 5), "reply");
  ::close(boiler);

  socat.stop(SIGTERM);
  short revents = 0;
  const ReadResult lost = read_after_poll(link, &revents);
  EXPECT_NE(revents & POLLHUP, 0) << "revents " << revents;
  EXPECT_TRUE(lost.lost);
  EXPECT_EQ(lost.error, std::errc::io_error) << lost.error.message();
  EXPECT_FALSE(link.is_open());

  // Unplugged: the path is gone.
  const OpenResult while_gone = link.open();
  EXPECT_EQ(while_gone.state, OpenState::failed);
  EXPECT_EQ(while_gone.error, std::errc::no_such_file_or_directory) << while_gone.error.message();

  socat.start();
  ASSERT_EQ(link.open().state, OpenState::open) << link.last_error_text();
  boiler = test::open_raw_tty(socat.link_b());
  ASSERT_FALSE(write_text(link, "S2\r"));
  EXPECT_EQ(test::read_fd(boiler, 3), "S2\r");
  test::write_all_fd(boiler, "again");
  EXPECT_EQ(read_text(link, 5), "again");
  ::close(boiler);
}

TEST(SerialLinkSocat, KilledSocatIsLost) {
  TempDir dir;
  SocatPair socat(dir.file("a"), dir.file("b"), dir.file("socat.log"));
  SerialLink link(socat.link_a());
  ASSERT_EQ(link.open().state, OpenState::open);
  socat.stop(SIGKILL);
  const ReadResult lost = read_after_poll(link);
  EXPECT_TRUE(lost.lost);
  EXPECT_FALSE(link.is_open());
}

}  // namespace
}  // namespace intergas
