// A byte link to one boiler: a serial port or a TCP serial bridge. Non-blocking primitives plus a
// descriptor to poll; the driver (CLI or poller) does the waiting. Knows nothing of frames.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace intergas {

enum class OpenState {
  open,         // ready for I/O
  in_progress,  // TCP connect under way: poll fd() for POLLOUT, then call finish_open()
  failed,       // see the error code; the link is closed
};

struct OpenResult {
  OpenState state;
  std::error_code error;  // set when failed
};

// Outcome of read_some(): bytes read, nothing pending (would block), or the link was lost
// (hang-up, EOF, EIO, ENODEV, reset: the link has closed itself; error tells which).
struct ReadResult {
  std::size_t bytes = 0;
  bool lost = false;
  std::error_code error;
};

class Link {
 public:
  virtual ~Link() = default;
  Link() = default;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Opens (closing first if open). Non-blocking; TCP may answer in_progress.
  virtual OpenResult open() = 0;
  // Completes an in_progress open once fd() polled writable, or the connect timeout passed
  // (then pass timed_out = true and the result is failed with ETIMEDOUT).
  virtual OpenResult finish_open(bool timed_out) = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // The descriptor to poll (POLLIN for input; POLLOUT while connecting), -1 when closed.
  virtual int fd() const = 0;

  // Writes all bytes or fails (short writes and EINTR retried; a full buffer waits briefly).
  // On failure the link closes itself and the error is returned.
  virtual std::error_code write_all(const std::uint8_t* data, std::size_t size) = 0;
  // Reads what is available now, up to `capacity` bytes, never blocking.
  virtual ReadResult read_some(std::uint8_t* buffer, std::size_t capacity) = 0;
  // Discards input pending now (tcflush and/or read until EAGAIN), never blocking.
  // Returns false (link closed) when the link was found lost.
  virtual bool drain() = 0;

  // What the user configured ("/dev/ttyUSB0", "tcp://10.0.0.5:2000", "usb:0403:6001").
  virtual const std::string& name() const = 0;
  // What was actually opened ("/dev/ttyUSB1" after resolving usb:/by-id, "127.0.0.1:2000").
  virtual std::string resolved_name() const = 0;
  // One line on the most recent failure (open, loss or write), naming the device and the cause,
  // e.g. `usb:0403:6001: 2 adapters match usb:0403:6001; add the serial number`. Carries what an
  // error_code cannot (counts, resolver detail). Empty until something failed.
  virtual std::string last_error_text() const { return {}; }
};

}  // namespace intergas
