#include "link/open_link.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "link/serial_link.h"
#include "link/tcp_link.h"
#include "link/usb_ports.h"

namespace intergas {
namespace {

constexpr std::string_view kTcpScheme = "tcp://";

enum class DeviceKind { serial_path, tcp, usb };

struct DeviceSpec {
  DeviceKind kind = DeviceKind::serial_path;
  std::string host;  // tcp
  std::uint16_t port = 0;
  UsbSpec usb;
};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool parse_port(std::string_view text, std::uint16_t& port, std::string& reason) {
  if (text.empty()) {
    reason = "missing port number after \":\"";
    return false;
  }
  if (!std::all_of(text.begin(), text.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    reason = "port \"" + std::string(text) + "\" is not a number";
    return false;
  }
  unsigned long value = 0;
  for (const char c : text) {
    value = value * 10 + static_cast<unsigned long>(c - '0');
    if (value > 65535) break;
  }
  if (value < 1 || value > 65535) {
    reason = "port " + std::string(text) + " is out of range 1..65535";
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

// "tcp://host:port", "tcp://[v6]:port". `reason` gets what is wrong, without the device.
bool parse_tcp(std::string_view text, DeviceSpec& spec, std::string& reason) {
  const std::string_view rest = text.substr(kTcpScheme.size());
  std::string_view host;
  std::string_view after_host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      reason = "missing \"]\" after the IPv6 address";
      return false;
    }
    host = rest.substr(1, close - 1);
    after_host = rest.substr(close + 1);
  } else {
    const auto colon = rest.rfind(':');
    host = rest.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
    if (host.find(':') != std::string_view::npos) {
      reason = "an IPv6 address needs brackets: tcp://[addr]:port";
      return false;
    }
  }
  if (host.empty()) {
    reason = "missing host";
    return false;
  }
  if (host.find_first_of("/ \t") != std::string_view::npos) {
    reason = "host \"" + std::string(host) + "\" contains '/' or a space";
    return false;
  }
  if (after_host.empty() || after_host.front() != ':') {
    reason = "missing \":port\"";
    return false;
  }
  if (!parse_port(after_host.substr(1), spec.port, reason)) return false;
  spec.kind = DeviceKind::tcp;
  spec.host = std::string(host);
  return true;
}

// Prefixes are tested before anything else because by-id paths contain colons too
// ("/dev/serial/by-id/usb-FTDI_...:1.0"): only an explicit tcp:// or usb: selects a kind.
bool parse_device(const std::string& device, DeviceSpec& spec, std::string& error) {
  if (device.empty()) {
    error = "device is empty";
    return false;
  }
  if (starts_with_ignoring_case(device, "tcp:")) {
    std::string reason;
    if (!starts_with_ignoring_case(device, kTcpScheme)) {
      reason = "expected tcp://host:port";
    } else if (parse_tcp(device, spec, reason)) {
      return true;
    }
    error = "tcp device \"" + device + "\": " + reason;
    return false;
  }
  if (starts_with_ignoring_case(device, "usb:")) {
    spec.kind = DeviceKind::usb;
    return parse_usb_spec(device, spec.usb, error);
  }
  if (device.front() != '/') {
    error = "serial device \"" + device +
            "\": path must be absolute (or use tcp://host:port or usb:VID:PID[:SERIAL])";
    return false;
  }
  spec.kind = DeviceKind::serial_path;
  return true;
}

}  // namespace

std::unique_ptr<Link> make_link(const std::string& device, const LinkOptions& options,
                                std::string& error) {
  DeviceSpec spec;
  if (!parse_device(device, spec, error)) return nullptr;
  error.clear();
  const SerialLink::Access access =
      options.exclusive ? SerialLink::Access::exclusive : SerialLink::Access::shared;
  switch (spec.kind) {
    case DeviceKind::tcp:
      return std::make_unique<TcpLink>(device, spec.host, spec.port);
    case DeviceKind::usb: {
      // Resolved again at every open(): after an unplug the adapter may come back as another
      // ttyUSBn.
      SerialLink::PathResolver resolver = [usb = spec.usb](std::string& path, std::string& detail) {
        return resolve_usb_port(usb, path, detail);
      };
      return std::make_unique<SerialLink>(device, std::move(resolver), access);
    }
    case DeviceKind::serial_path:
      break;
  }
  return std::make_unique<SerialLink>(device, access);
}

bool is_valid_device(const std::string& device, std::string& error) {
  DeviceSpec spec;
  if (!parse_device(device, spec, error)) return false;
  error.clear();
  return true;
}

}  // namespace intergas
