// Reply framing per model: the size of a complete reply and the Xtreme XOR check.
#pragma once

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/model.h"
#include "protocol/result.h"

namespace intergas {

// Checks a complete reply to `c` and returns its 32 data bytes (a view into `reply`).
// short_frame when fewer bytes than reply_size(c, m); checksum when the Xtreme XOR byte is wrong.
// A longer reply is the caller's business (the session never hands one over).
Result<ByteView> check_frame(Command c, Model m, ByteView reply);

}  // namespace intergas
