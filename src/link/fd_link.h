// The descriptor code SerialLink and TcpLink share: non-blocking read/write/drain, and the rule
// that any hard error or EOF closes the link. Subclasses add open() and the system-call flavour.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "link/link.h"
#include "link/link_error.h"
#include "link/unique_fd.h"

namespace intergas {

class FdLink : public Link {
 public:
  // Longest write_all() waits for a full output buffer before failing (driver loops never block).
  static constexpr std::chrono::milliseconds kWriteWait{100};

  explicit FdLink(std::string name) : name_(std::move(name)) {}

  void close() override { fd_.reset(); }
  bool is_open() const override { return fd_.is_open(); }
  int fd() const override { return fd_.get(); }
  const std::string& name() const override { return name_; }
  std::string last_error_text() const override { return last_error_text_; }

  // On a closed link: returns std::errc::not_connected.
  std::error_code write_all(const std::uint8_t* data, std::size_t size) override;
  // On a closed link: lost with std::errc::not_connected.
  ReadResult read_some(std::uint8_t* buffer, std::size_t capacity) override;
  bool drain() override;

 protected:
  // One write()/send() attempt: the system call's result, errno set on -1.
  virtual ssize_t write_once(const std::uint8_t* data, std::size_t size) = 0;
  // The error read_some reports for EOF (read() == 0).
  virtual std::error_code eof_error() const = 0;
  // Whether read() == 0 (with capacity > 0) means EOF. Sockets: always.
  virtual bool zero_read_is_eof() { return true; }
  // Discards input the kernel holds before drain() reads; returns false on loss (link closed).
  virtual bool flush_input() { return true; }

  // Records `error` for last_error_text(), closes, and returns `error`.
  std::error_code fail(std::error_code error, const std::string& detail = {});
  std::error_code fail_errno(int errno_value) {
    return fail({errno_value, std::generic_category()});
  }

  UniqueFd fd_;

 private:
  std::string name_;
  std::string last_error_text_;
};

// True for read/write/ioctl errno values that mean the device or connection is gone (not merely
// busy): used where an error is otherwise tolerated, e.g. optional modem-line ioctls.
bool is_loss_errno(int errno_value);

}  // namespace intergas
