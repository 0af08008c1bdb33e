// Link-specific error codes (a std::error_category), for failures errno alone names badly. Each
// code compares equal to the nearest std::errc, so `error == std::errc::device_or_resource_busy`
// holds for LinkErrc::device_busy, while error.message() gives the clearer text.
#pragma once

#include <system_error>

namespace intergas {

enum class LinkErrc {
  device_busy = 1,  // another reader holds the serial device (TIOCEXCL or flock)
  not_a_tty,        // the serial path is not a terminal
  hung_up,          // serial: EOF on read, the device was unplugged or the pty's other end closed
  closed_by_peer,   // TCP: orderly close (EOF) from the bridge
  write_stalled,    // the output buffer stayed full for write_all's whole wait
  no_usb_match,     // usb:VID:PID[:SERIAL] matches no port present now
  usb_ambiguous,    // usb:VID:PID matches several ports; a serial number is needed
  usb_list_failed,  // libserialport could not enumerate ports
  not_connecting,   // finish_open() called while no connect is under way
};

const std::error_category& link_category();

inline std::error_code make_error_code(LinkErrc e) {
  return {static_cast<int>(e), link_category()};
}

}  // namespace intergas

namespace std {
template <>
struct is_error_code_enum<intergas::LinkErrc> : true_type {};
}  // namespace std
