// USB serial adapters: list them (libserialport) and match a usb:VID:PID[:SERIAL] spec to one.
// Finds and names ports only; I/O goes through SerialLink (libserialport cannot open ptys).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace intergas {

inline constexpr const char* kSerialByIdDir = "/dev/serial/by-id";

struct UsbPortInfo {
  std::string path;        // "/dev/ttyUSB0"
  std::string by_id_path;  // "/dev/serial/by-id/usb-FTDI_..._A50285BI-if00-port0"; empty if none
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::string serial;        // empty when the adapter reports none
  std::string manufacturer;  // "FTDI"; may be empty
  std::string product;       // "FT232R USB UART"; may be empty
};

struct UsbSpec {
  std::uint16_t vid = 0;
  std::uint16_t pid = 0;
  std::string serial;  // empty: any serial number
};

// Parses "usb:VID:PID[:SERIAL]" (VID, PID: exactly 4 hex digits, any case; SERIAL: the rest,
// non-empty). Returns false and sets `error` to a one-line reason naming `text` when malformed.
bool parse_usb_spec(std::string_view text, UsbSpec& spec, std::string& error);

// "usb:0403:6001" or "usb:0403:6001:A50285BI" (lower-case hex).
std::string format_usb_spec(const UsbSpec& spec);

// One line for listings: `usb:0403:6001:A50285BI /dev/ttyUSB0 "FTDI FT232R USB UART" <by-id>`.
std::string describe_usb_port(const UsbPortInfo& port);

// The link in `by_id_dir` whose target is `device_path` (both realpath'ed), or "" when none (also
// when the directory is missing, as on machines without USB serial adapters).
std::string find_by_id_link(const std::string& device_path,
                            const std::string& by_id_dir = kSerialByIdDir);

// The USB serial ports present now, sorted by path, from libserialport plus the by-id links.
// An empty list is not an error. On failure returns LinkErrc::usb_list_failed and sets `error`.
std::error_code list_usb_ports(std::vector<UsbPortInfo>& ports, std::string& error);

// Pure: the one port in `ports` that `spec` names. Returns it, or nullptr with
// LinkErrc::no_usb_match (none) / LinkErrc::usb_ambiguous (several) in `error_code` and a one-line
// reason in `error` that says what to do, e.g. `2 adapters match usb:0403:6001; add the serial
// number (...)`.
const UsbPortInfo* match_usb_port(const UsbSpec& spec, const std::vector<UsbPortInfo>& ports,
                                  std::error_code& error_code, std::string& error);

// list_usb_ports + match_usb_port: sets `path` to the matching port's /dev path.
std::error_code resolve_usb_port(const UsbSpec& spec, std::string& path, std::string& error);

}  // namespace intergas
