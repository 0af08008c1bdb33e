// Reply size and Xtreme XOR check (protocol.md 13).
#include "protocol/frame.h"

namespace intergas {

Result<ByteView> check_frame(Command c, Model m, ByteView reply) {
  if (reply.size < reply_size(c, m)) return Failure::short_frame;
  const ByteView data = reply.first(kFrameSize);
  // protocol.md 14.4: on both LC #3 frames byte 33 is the XOR of the 32 data bytes.
  if (uses_checksum(c, m) && xor_of(data) != reply[kFrameSize]) return Failure::checksum;
  return data;
}

}  // namespace intergas
