// make_link / is_valid_device: the device-string grammar and which Link each string makes.
#include "link/open_link.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "link/link_error.h"
#include "link/serial_link.h"
#include "link/tcp_link.h"
#include "tests/support/pty_pair.h"

namespace intergas {
namespace {

struct DeviceCase {
  std::string device;
  std::string error;  // empty: valid
};

void PrintTo(const DeviceCase& c, std::ostream* out) { *out << '"' << c.device << '"'; }

class LinkDeviceString : public ::testing::TestWithParam<DeviceCase> {};

TEST_P(LinkDeviceString, AcceptsOrNamesTheProblem) {
  const DeviceCase& c = GetParam();
  std::string error = "untouched";
  const bool valid = is_valid_device(c.device, error);
  EXPECT_EQ(valid, c.error.empty());
  EXPECT_EQ(error, c.error);

  std::string make_error;
  const std::unique_ptr<Link> link = make_link(c.device, LinkOptions{}, make_error);
  EXPECT_EQ(link != nullptr, c.error.empty());
  EXPECT_EQ(make_error, c.error);
  if (link) {
    EXPECT_EQ(link->name(), c.device);
    EXPECT_FALSE(link->is_open()) << "make_link opens nothing";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, LinkDeviceString,
    ::testing::Values(
        DeviceCase{"/dev/ttyUSB0", ""},
        DeviceCase{"/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0", ""},
        DeviceCase{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0", ""},
        DeviceCase{"tcp://127.0.0.1:2000", ""}, DeviceCase{"tcp://bridge.local:1", ""},
        DeviceCase{"tcp://[::1]:65535", ""}, DeviceCase{"TCP://10.0.0.5:2000", ""},
        DeviceCase{"usb:0403:6001", ""}, DeviceCase{"usb:0403:6001:A50285BI", ""},
        DeviceCase{"usb:1A86:7523", ""}, DeviceCase{"", "device is empty"},
        DeviceCase{"ttyUSB0",
                   "serial device \"ttyUSB0\": path must be absolute (or use "
                   "tcp://host:port or usb:VID:PID[:SERIAL])"},
        DeviceCase{"tcp://x", "tcp device \"tcp://x\": missing \":port\""},
        DeviceCase{"tcp://x:", "tcp device \"tcp://x:\": missing port number after \":\""},
        DeviceCase{"tcp://:2000", "tcp device \"tcp://:2000\": missing host"},
        DeviceCase{"tcp://", "tcp device \"tcp://\": missing host"},
        DeviceCase{"tcp://h:0", "tcp device \"tcp://h:0\": port 0 is out of range 1..65535"},
        DeviceCase{"tcp://h:65536",
                   "tcp device \"tcp://h:65536\": port 65536 is out of range 1..65535"},
        DeviceCase{"tcp://h:99999999999999999999",
                   "tcp device \"tcp://h:99999999999999999999\": port 99999999999999999999 is "
                   "out of range 1..65535"},
        DeviceCase{"tcp://h:20x0", "tcp device \"tcp://h:20x0\": port \"20x0\" is not a number"},
        DeviceCase{"tcp://h:-1", "tcp device \"tcp://h:-1\": port \"-1\" is not a number"},
        DeviceCase{"tcp://h:2000/", "tcp device \"tcp://h:2000/\": port \"2000/\" is not a number"},
        DeviceCase{"tcp://::1:2000",
                   "tcp device \"tcp://::1:2000\": an IPv6 address needs "
                   "brackets: tcp://[addr]:port"},
        DeviceCase{"tcp://[::1:2000",
                   "tcp device \"tcp://[::1:2000\": missing \"]\" after the IPv6 address"},
        DeviceCase{"tcp://[::1]", "tcp device \"tcp://[::1]\": missing \":port\""},
        DeviceCase{"tcp://[]:1", "tcp device \"tcp://[]:1\": missing host"},
        DeviceCase{"tcp:10.0.0.5:2000",
                   "tcp device \"tcp:10.0.0.5:2000\": expected tcp://host:port"},
        DeviceCase{"usb:", "usb device \"usb:\": VID \"\" is not 4 hex digits"},
        DeviceCase{"usb:403:6001", "usb device \"usb:403:6001\": VID \"403\" is not 4 hex digits"},
        DeviceCase{"usb:0403", "usb device \"usb:0403\": missing \":PID\""},
        DeviceCase{"usb:0403:60g1",
                   "usb device \"usb:0403:60g1\": PID \"60g1\" is not 4 hex digits"},
        DeviceCase{"usb:0403:", "usb device \"usb:0403:\": PID \"\" is not 4 hex digits"},
        DeviceCase{"usb:0403:6001:",
                   "usb device \"usb:0403:6001:\": empty serial number after the PID"}),
    [](const ::testing::TestParamInfo<DeviceCase>& param_info) {
      // "07_tcp___127_0_0_1_2000": the index keeps names unique, the rest says which string.
      std::string name =
          (param_info.index < 10 ? "0" : "") + std::to_string(param_info.index) + "_";
      for (const char c : param_info.param.device) {
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(MakeLink, TcpStringMakesTcpLinkWithHostAndPort) {
  std::string error;
  const auto link = make_link("tcp://[::1]:2000", LinkOptions{}, error);
  const auto* tcp = dynamic_cast<const TcpLink*>(link.get());
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->host(), "::1");
  EXPECT_EQ(tcp->port(), 2000);
}

TEST(MakeLink, PathMakesSerialLinkThatOpensIt) {
  test::PtyPair pty;
  std::string error;
  const auto link = make_link(pty.slave_path(), LinkOptions{}, error);
  ASSERT_NE(dynamic_cast<SerialLink*>(link.get()), nullptr);
  EXPECT_EQ(link->open().state, OpenState::open) << link->last_error_text();
}

TEST(MakeLink, ExclusiveOptionReachesTheSerialLink) {
  test::PtyPair pty;
  std::string error;
  LinkOptions shared;
  shared.exclusive = false;
  const auto first = make_link(pty.slave_path(), shared, error);
  const auto second = make_link(pty.slave_path(), shared, error);
  EXPECT_EQ(first->open().state, OpenState::open);
  EXPECT_EQ(second->open().state, OpenState::open);

  const auto exclusive = make_link(pty.slave_path(), LinkOptions{}, error);
  const auto refused = make_link(pty.slave_path(), LinkOptions{}, error);
  first->close();
  second->close();
  EXPECT_EQ(exclusive->open().state, OpenState::open);
  EXPECT_EQ(refused->open().error, LinkErrc::device_busy);
}

TEST(MakeLink, UsbSpecResolvesAtOpenAndNamesTheMiss) {
  // No adapter with this made-up VID:PID exists on a test machine, so open() fails, saying why.
  std::string error;
  const auto link = make_link("usb:fff0:fff1:NOPE", LinkOptions{}, error);
  ASSERT_NE(link, nullptr);
  const OpenResult result = link->open();
  EXPECT_EQ(result.state, OpenState::failed);
  EXPECT_EQ(result.error, LinkErrc::no_usb_match) << result.error.message();
  EXPECT_EQ(result.error, std::errc::no_such_device);
  EXPECT_EQ(link->last_error_text().rfind("usb:fff0:fff1:NOPE: no USB serial adapter matches "
                                          "usb:fff0:fff1:NOPE",
                                          0),
            0u)
      << link->last_error_text();
}

}  // namespace
}  // namespace intergas
