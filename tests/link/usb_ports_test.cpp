// usb_ports: spec parsing and matching on made-up port lists (pure), plus the real listing and
// by-id lookup on a machine that may have no USB adapters at all.
#include "link/usb_ports.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>

#include "link/link_error.h"
#include "tests/support/pty_pair.h"

namespace intergas {
namespace {

UsbPortInfo port(std::string path, std::uint16_t vid, std::uint16_t pid, std::string serial) {
  UsbPortInfo info;
  info.path = std::move(path);
  info.vid = vid;
  info.pid = pid;
  info.serial = std::move(serial);
  return info;
}

UsbSpec spec(std::uint16_t vid, std::uint16_t pid, std::string serial = {}) {
  return UsbSpec{vid, pid, std::move(serial)};
}

const std::vector<UsbPortInfo> kTwoFtdiAndOneCh340 = {
    port("/dev/ttyUSB0", 0x0403, 0x6001, "A50285BI"),
    port("/dev/ttyUSB1", 0x0403, 0x6001, "AB0KXYZ1"),
    port("/dev/ttyUSB2", 0x1a86, 0x7523, ""),
};

TEST(ParseUsbSpec, ReadsHexIdsInAnyCaseAndTheSerial) {
  UsbSpec parsed;
  std::string error;
  ASSERT_TRUE(parse_usb_spec("usb:0403:6001", parsed, error)) << error;
  EXPECT_EQ(parsed.vid, 0x0403);
  EXPECT_EQ(parsed.pid, 0x6001);
  EXPECT_EQ(parsed.serial, "");
  ASSERT_TRUE(parse_usb_spec("USB:1A86:7eA3:ser:with:colons", parsed, error)) << error;
  EXPECT_EQ(parsed.vid, 0x1a86);
  EXPECT_EQ(parsed.pid, 0x7ea3);
  EXPECT_EQ(parsed.serial, "ser:with:colons");
}

TEST(ParseUsbSpec, RejectsMalformedSpecs) {
  UsbSpec parsed;
  std::string error;
  EXPECT_FALSE(parse_usb_spec("usb:04031:6001", parsed, error));
  EXPECT_EQ(error, "usb device \"usb:04031:6001\": VID \"04031\" is not 4 hex digits");
  EXPECT_FALSE(parse_usb_spec("usb:0x03:6001", parsed, error));
  EXPECT_FALSE(parse_usb_spec("serial:0403:6001", parsed, error));
  EXPECT_EQ(error, "usb device \"serial:0403:6001\": expected usb:VID:PID[:SERIAL]");
}

TEST(FormatUsbSpec, PrintsLowerCaseHexAndTheSerial) {
  EXPECT_EQ(format_usb_spec(spec(0x0403, 0x6001)), "usb:0403:6001");
  EXPECT_EQ(format_usb_spec(spec(0x1A86, 0x7523, "X1")), "usb:1a86:7523:X1");
}

TEST(MatchUsbPort, FindsTheOnlyPortWithThatVidPid) {
  std::error_code code;
  std::string error;
  const UsbPortInfo* found = match_usb_port(spec(0x1a86, 0x7523), kTwoFtdiAndOneCh340, code, error);
  ASSERT_NE(found, nullptr) << error;
  EXPECT_EQ(found->path, "/dev/ttyUSB2");
  EXPECT_FALSE(code);
  EXPECT_EQ(error, "");
}

TEST(MatchUsbPort, SerialNumberPicksOneOfTwoIdenticalAdapters) {
  std::error_code code;
  std::string error;
  const UsbPortInfo* found =
      match_usb_port(spec(0x0403, 0x6001, "ab0kxyz1"), kTwoFtdiAndOneCh340, code, error);
  ASSERT_NE(found, nullptr) << error;
  EXPECT_EQ(found->path, "/dev/ttyUSB1");
}

TEST(MatchUsbPort, SeveralMatchesWithoutSerialAskForIt) {
  std::error_code code;
  std::string error;
  EXPECT_EQ(match_usb_port(spec(0x0403, 0x6001), kTwoFtdiAndOneCh340, code, error), nullptr);
  EXPECT_EQ(code, LinkErrc::usb_ambiguous);
  EXPECT_EQ(error,
            "2 adapters match usb:0403:6001; add the serial number (usb:0403:6001:A50285BI "
            "/dev/ttyUSB0, usb:0403:6001:AB0KXYZ1 /dev/ttyUSB1)");
}

TEST(MatchUsbPort, ClonesSharingASerialPointToByPath) {
  const std::vector<UsbPortInfo> clones = {port("/dev/ttyUSB0", 0x0403, 0x6001, "A50285BI"),
                                           port("/dev/ttyUSB3", 0x0403, 0x6001, "A50285BI")};
  std::error_code code;
  std::string error;
  EXPECT_EQ(match_usb_port(spec(0x0403, 0x6001, "A50285BI"), clones, code, error), nullptr);
  EXPECT_EQ(code, LinkErrc::usb_ambiguous);
  EXPECT_NE(error.find("2 adapters match usb:0403:6001:A50285BI; their serial numbers do not tell "
                       "them apart, use a /dev/serial/by-path/ path"),
            std::string::npos)
      << error;
  EXPECT_EQ(match_usb_port(spec(0x0403, 0x6001), clones, code, error), nullptr);
  EXPECT_NE(error.find("do not tell them apart"), std::string::npos) << error;
}

TEST(MatchUsbPort, NoMatchSaysWhatIsPresent) {
  std::error_code code;
  std::string error;
  EXPECT_EQ(match_usb_port(spec(0x0403, 0x6001, "GONE"), kTwoFtdiAndOneCh340, code, error),
            nullptr);
  EXPECT_EQ(code, LinkErrc::no_usb_match);
  EXPECT_EQ(
      error,
      "no USB serial adapter matches usb:0403:6001:GONE (same VID:PID: usb:0403:6001:A50285BI "
      "/dev/ttyUSB0, usb:0403:6001:AB0KXYZ1 /dev/ttyUSB1)");

  EXPECT_EQ(match_usb_port(spec(0x10c4, 0xea60), kTwoFtdiAndOneCh340, code, error), nullptr);
  EXPECT_EQ(error.rfind("no USB serial adapter matches usb:10c4:ea60 (present: ", 0), 0u) << error;

  EXPECT_EQ(match_usb_port(spec(0x10c4, 0xea60), {}, code, error), nullptr);
  EXPECT_EQ(error, "no USB serial adapter matches usb:10c4:ea60 (no USB serial adapters present)");
}

TEST(MatchUsbPort, PortWithoutSerialDoesNotMatchASerialSpec) {
  std::error_code code;
  std::string error;
  EXPECT_EQ(match_usb_port(spec(0x1a86, 0x7523, "X"), kTwoFtdiAndOneCh340, code, error), nullptr);
  EXPECT_EQ(code, LinkErrc::no_usb_match);
}

TEST(DescribeUsbPort, OneLineWithLabelAndById) {
  UsbPortInfo info = port("/dev/ttyUSB0", 0x0403, 0x6001, "A50285BI");
  info.manufacturer = "FTDI";
  info.product = "FT232R USB UART";
  info.by_id_path = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0";
  EXPECT_EQ(describe_usb_port(info),
            "usb:0403:6001:A50285BI /dev/ttyUSB0 \"FTDI FT232R USB UART\" "
            "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0");
  EXPECT_EQ(describe_usb_port(port("/dev/ttyACM0", 0x2341, 0x0043, "")),
            "usb:2341:0043 /dev/ttyACM0");
}

TEST(ListUsbPorts, WorksWithoutAdapters) {
  std::vector<UsbPortInfo> ports{port("stale", 1, 2, "")};
  std::string error;
  const std::error_code code = list_usb_ports(ports, error);
  EXPECT_FALSE(code) << error;
  // Whatever is plugged in here, every entry is a complete USB port.
  for (const UsbPortInfo& info : ports) {
    EXPECT_EQ(info.path.rfind("/dev/", 0), 0u) << info.path;
    EXPECT_NE(info.path, "stale");
  }
}

TEST(FindByIdLink, FindsTheLinkPointingAtADevice) {
  test::PtyPair pty;
  test::TempDir dir;
  const std::string by_id = dir.file("by-id");
  const std::string link = by_id + "/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0";
  test::make_symlink(pty.slave_path(), link);
  test::make_symlink("/dev/null", by_id + "/usb-Other-if00-port0");
  EXPECT_EQ(find_by_id_link(pty.slave_path(), by_id), link);
  EXPECT_EQ(find_by_id_link("/dev/zero", by_id), "");
  EXPECT_EQ(find_by_id_link(pty.slave_path(), dir.file("missing")), "");
}

}  // namespace
}  // namespace intergas
