// Text in and out of a Link for the link tests, with the bounded waits of tests/support.
#pragma once

#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <system_error>

#include "link/link.h"
#include "tests/support/pty_pair.h"

namespace intergas::test {

inline std::error_code write_text(Link& link, const std::string& text) {
  return link.write_all(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// Reads from `link` until `size` bytes came, the link was lost, or the wait limit passed.
inline std::string read_text(Link& link, std::size_t size) {
  std::string got;
  wait_until([&] {
    if (poll_fd(link.fd(), POLLIN, kWaitLimit) == 0) return true;
    std::uint8_t buffer[64];
    const ReadResult result = link.read_some(buffer, std::min(sizeof buffer, size - got.size()));
    got.append(reinterpret_cast<const char*>(buffer), result.bytes);
    return result.lost || got.size() >= size;
  });
  return got;
}

}  // namespace intergas::test
