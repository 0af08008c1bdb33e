#include "link/link_error.h"

#include <string>

namespace intergas {
namespace {

class LinkCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "intergas.link"; }

  std::string message(int value) const override {
    switch (static_cast<LinkErrc>(value)) {
      case LinkErrc::device_busy:
        return "device busy: another reader has it open";
      case LinkErrc::not_a_tty:
        return "not a serial device (not a terminal)";
      case LinkErrc::hung_up:
        return "device hung up (unplugged, or the other end closed)";
      case LinkErrc::closed_by_peer:
        return "connection closed by the peer";
      case LinkErrc::write_stalled:
        return "write stalled: output buffer stayed full";
      case LinkErrc::no_usb_match:
        return "no USB serial adapter matches";
      case LinkErrc::usb_ambiguous:
        return "several USB serial adapters match; add the serial number";
      case LinkErrc::usb_list_failed:
        return "cannot list USB serial ports";
      case LinkErrc::not_connecting:
        return "no connect under way";
    }
    return "unknown link error";
  }

  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<LinkErrc>(value)) {
      case LinkErrc::device_busy:
        return std::errc::device_or_resource_busy;
      case LinkErrc::not_a_tty:
        return std::errc::inappropriate_io_control_operation;
      case LinkErrc::hung_up:
        return std::errc::io_error;
      case LinkErrc::closed_by_peer:
        return std::errc::connection_aborted;
      case LinkErrc::write_stalled:
        return std::errc::timed_out;
      case LinkErrc::no_usb_match:
        return std::errc::no_such_device;
      case LinkErrc::usb_ambiguous:
        return std::errc::invalid_argument;
      case LinkErrc::usb_list_failed:
        return std::errc::io_error;
      case LinkErrc::not_connecting:
        return std::errc::not_connected;
    }
    return {value, *this};
  }
};

}  // namespace

const std::error_category& link_category() {
  static const LinkCategory category;
  return category;
}

}  // namespace intergas
