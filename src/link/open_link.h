// The one place that parses a device string and makes the matching Link.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "link/link.h"

namespace intergas {

struct LinkOptions {
  std::chrono::milliseconds connect_timeout{3000};  // TCP only
  bool exclusive = true;  // serial: TIOCEXCL + flock, refuse a second reader
};

// "tcp://host:port" -> TcpLink; "usb:VID:PID[:SERIAL]" -> SerialLink resolved through libserialport
// at every open (so a renumbered adapter is found again); anything else is a serial device path,
// including /dev/serial/by-id/... links (which contain colons, hence the explicit prefixes).
// Returns nullptr and sets `error` to a one-line reason for a malformed string.
std::unique_ptr<Link> make_link(const std::string& device, const LinkOptions& options,
                                std::string& error);

// True when `device` is well-formed (the same rules as make_link, without making anything).
bool is_valid_device(const std::string& device, std::string& error);

}  // namespace intergas
