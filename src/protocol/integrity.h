// Confirmation of replies on a framing without a checksum (protocol.md 19). One inverted bit keeps
// a reply's length and reads as another plausible number, so a value is trusted only when its
// bytes are confirmed: unchanged since the last trusted frame (a single flip cannot reproduce the
// old value), or repeated by a second read within the field's tolerance.
//
// A reply is cut into fields: the byte groups the decoders turn into exported values, each with
// the tolerance within which two reads some 300 ms apart agree (a temperature moves, a meter runs
// while burning). Bytes in no field are not exported (undecoded, protocol.md 18.1): they are never
// waited for, so their noise costs nothing.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/model.h"
#include "protocol/status.h"

namespace intergas {

struct Field {
  std::string_view name;  // for out-of-range counts and logs, e.g. "return"
  // Byte offsets, least significant first (a 24-bit counter has its high byte apart: {0, 1, 30}).
  std::array<std::uint8_t, 4> at{};
  std::uint8_t width = 1;  // bytes used in `at`
  bool is_signed = false;
  // Two reads agree when they differ by at most this, in raw units (0: the same bytes).
  std::uint32_t tolerance = 0;
  // A meter: the second read may only be the same or higher, by at most `tolerance`.
  bool rises = false;
  // Physical range in raw units; a value outside (sentinels excepted) is unknown, not a reason to
  // drop the frame. Checked by the decoders through the same constants (plausibility.h).
  std::optional<std::int32_t> min, max;
  // The range holds only while this S? flag is set (the pressure without its sensor, protocol.md
  // 5.4, is not a reading).
  std::optional<Flag> ranged_when{};

  std::int64_t value(ByteView data) const;
};

// The fields of a reply to `c` in the framing of model `m` (all bytes of a frame with no decoded
// structure, such as V? parameters and REV text, are one-byte exact fields).
struct FieldList {
  const Field* begin_ = nullptr;
  std::size_t size_ = 0;
  const Field* begin() const { return begin_; }
  const Field* end() const { return begin_ + size_; }
  std::size_t size() const { return size_; }
  const Field& operator[](std::size_t i) const { return begin_[i]; }
};
FieldList fields_of(Command c, Model m);

inline constexpr std::size_t kMaxFields = 32;
using FieldSet = std::bitset<kMaxFields>;  // indexes into fields_of(c, m)

// The fields of fields_of(c, m) with these names.
FieldSet fields_named(Command c, Model m, std::initializer_list<std::string_view> names);

// Whether replies to `c` in model m's framing are confirmed: every reply without a checksum (all
// plain-framing replies, and the Xtreme's REV).
bool needs_confirmation(Command c, Model m);

// The last trusted bytes of one command's reply; bytes never trusted are unknown.
struct TrustedFrame {
  std::array<std::uint8_t, kFrameSize> bytes{};
  std::bitset<kFrameSize> known;
  void clear() { known.reset(); }
};

// Fields of `data` that differ from `history` (or that history does not know), plus `require`:
// fields that must be repeated in any case (the fields of a cross-field rule the frame breaks).
FieldSet fields_to_confirm(Command c, Model m, const TrustedFrame& history, ByteView data,
                           FieldSet require = {});

// A first and a confirming read, merged. Each field is trusted when the two reads agree within its
// tolerance (the second read's bytes), or when either read repeats the trusted history exactly
// (the history's bytes). Otherwise it is disputed: `trusted` holds the second read and `other`
// the first, and every value decoded differently from the two is not exported.
struct Confirmation {
  std::array<std::uint8_t, kFrameSize> trusted{};
  std::array<std::uint8_t, kFrameSize> other{};
  FieldSet disputed;
};
Confirmation confirm(Command c, Model m, const TrustedFrame& history, ByteView first,
                     ByteView second, FieldSet require = {});

// The history after a reply whose `bytes` were trusted except the `disputed` fields.
void remember(Command c, Model m, TrustedFrame& history, ByteView bytes, FieldSet disputed = {});

// Names of the fields of `data` whose values are outside their physical range (for counting).
FieldSet out_of_range(Command c, Model m, ByteView data);

}  // namespace intergas
