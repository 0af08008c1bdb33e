// A boiler's serial service port through POSIX termios: 9600 baud 8-N-1 raw, exclusive, by path
// (by-id links and ptys included). No frames, no waiting beyond write_all's brief POLLOUT wait.
#pragma once

#include <termios.h>

#include <functional>
#include <optional>
#include <string>

#include "link/fd_link.h"

namespace intergas {

class SerialLink final : public FdLink {
 public:
  // exclusive: refuse a second reader (TIOCEXCL + flock) and do not open a device another reader
  // holds. shared: neither (for setups where something else must watch the line too).
  enum class Access { exclusive, shared };

  // Chooses the device path at each open(): sets `path`, or returns an error and sets `detail` to a
  // one-line reason. Lets usb:VID:PID follow an adapter that was renumbered.
  using PathResolver = std::function<std::error_code(std::string& path, std::string& detail)>;

  // Opens `path` (absolute; /dev/ttyUSB0, /dev/serial/by-id/..., a pty).
  explicit SerialLink(std::string path, Access access = Access::exclusive);
  // Opens whatever `resolver` names at each open(); `name` is what the user configured.
  SerialLink(std::string name, PathResolver resolver, Access access = Access::exclusive);
  ~SerialLink() override;

  OpenResult open() override;
  // Serial opens never answer in_progress: returns open when open, else failed (not_connecting).
  OpenResult finish_open(bool timed_out) override;
  // Restores the saved terminal settings, discards unsent output (so close never waits for it),
  // then closes. Safe when already closed.
  void close() override;
  // The canonical path last opened or tried (by-id links resolved), empty before the first open().
  std::string resolved_name() const override { return resolved_path_; }

 protected:
  ssize_t write_once(const std::uint8_t* data, std::size_t size) override;
  std::error_code eof_error() const override { return make_error_code(LinkErrc::hung_up); }
  bool zero_read_is_eof() override;
  bool flush_input() override;

 private:
  OpenResult open_failed(std::error_code error, const std::string& detail = {});
  OpenResult open_failed_errno(int errno_value);

  PathResolver resolver_;
  bool exclusive_;
  std::string resolved_path_;
  std::optional<termios> saved_termios_;
  bool owns_device_ = false;  // set once the device is ours (locked, or not exclusive)
};

}  // namespace intergas
