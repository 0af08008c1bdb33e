// Fuzzes the production decode pipeline (reading.h: check_reply, confirmation, decode_data): the
// first byte picks the command and the model, the rest is the reply (and, from byte 64 on, a
// confirming read of it). Nothing may crash, read out of bounds or break a contract: a decoded
// value is within its physical range, confirmation takes each field from one of the two reads or
// the history.
// Selector byte = command index (Command order, 0..7) + 8 x model index (hre 0, cw6 1,
// xtreme 2), taken modulo 24; the seeds in corpus/decode are golden frames with that prefix.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "protocol/codes.h"
#include "protocol/command.h"
#include "protocol/frame.h"
#include "protocol/integrity.h"
#include "protocol/plausibility.h"
#include "protocol/reading.h"

namespace intergas {
namespace {

constexpr Model kModels[] = {Model::hre, Model::cw6, Model::xtreme};
constexpr int kModelCount = 3;

// A broken invariant is a bug: abort so libFuzzer keeps the input.
void require(bool condition) {
  if (!condition) std::abort();
}

// Each touch() uses the fields that the metrics code reads, so their accessors run under the
// sanitizers, and checks what the headers promise.
void touch(const StatusReading& s, Model m) {
  require(!status_name(s.status_code).empty());
  require(!burner_state_name(s.burner_state_raw).empty());
  for (int i = 0; i < kFlagCount; ++i) (void)s.flag(static_cast<Flag>(i));
  if (s.current_fault()) require(s.is_lockout() && s.last_fault() == s.current_fault());
  if (s.last_fault()) require(!fault_text(*s.last_fault(), m).empty());
  require(!fault_display(s.fault_code_raw, m).empty());
  if (m == Model::xtreme) require(!s.fan_speed_target_rpm && !s.fan_pwm_ratio);
  if (m != Model::xtreme) require(!s.flue_celsius);
  for (const auto& t : {s.heat_exchanger_celsius, s.supply_celsius, s.return_celsius, s.dhw_celsius,
                        s.boiler_celsius, s.outside_celsius, s.flue_celsius}) {
    if (t) require(celsius_in_range(*t));
  }
  if (s.ionisation_current_amperes) require(*s.ionisation_current_amperes >= 0);
  if (s.pressure_bar) require(s.flag(Flag::pressure_sensor));
  require(s == s);
}
void touch(const StatusExtraReading& e, Model) {
  if (e.pump_pwm_ratio) require(*e.pump_pwm_ratio >= 0.0 && *e.pump_pwm_ratio <= 1.0);
}
void touch(const DiagnosticsReading& d, Model) {
  if (d.mains_frequency_hertz) require(d.mains_frequency_raw != 0);
}
void touch(const CountersReading& c, Model) {
  require(c.powered_hours <= 0xFFFFFFu && c.burner_starts <= 0xFFFFFFu);
}
void touch(const ParametersReading& p, Model) {
  for (int i = 0; i < kParameterCount; ++i) require(!parameter_name(i).empty());
  require(p == p);
}
void touch(const VersionReading& v, Model) {
  for (char ch : v.label()) require(ch >= 0x20 && ch <= 0x7E);
}
void touch(const StatusExtra2Reading& x, Model) { require(x == x); }
void touch(const FaultStatsReading& f, Model) {
  for (int i = -1; i <= 32; ++i) (void)f.entry(i);
}

void fuzz_one(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const Command c = kAllCommands[data[0] % kCommandCount];
  const Model m = kModels[(data[0] / kCommandCount) % kModelCount];
  const ByteView reply(data + 1, size - 1);

  const Result<Reading> r = decode_reply(c, m, reply);
  if (r.ok()) {
    require(reply.size >= reply_size(c, m));
    require(reading_command(*r) == c);
    std::visit([m](const auto& reading) { touch(reading, m); }, *r);
  } else if (reply.size < reply_size(c, m)) {
    require(r.failure() == Failure::short_frame);
  } else {
    require(r.failure() == Failure::checksum || r.failure() == Failure::implausible);
  }

  // The session hands 32 (or 33) bytes to the decoders; run every decoder on them, whatever
  // the command, since a misrouted frame must not crash either.
  (void)command_from_request(reply, m);
  if (reply.size == kFrameSize || reply.size == kFrameSize + 1) {
    const ByteView frame = reply.first(kFrameSize);
    for (Command any : kAllCommands) (void)is_plausible(any, frame, m);
    touch(decode_status(frame, m), m);
    touch(decode_status_extra(frame, m), m);
    touch(decode_diagnostics(frame, m), m);
    touch(decode_counters(frame, m), m);
    touch(decode_parameters(frame, m), m);
    touch(decode_version(frame, m), m);
    touch(decode_fault_stats(frame, m), m);
    touch(decode_status_extra2(frame, m), m);
    (void)out_of_range(c, m, frame);
  }

  // Confirmation of a first read (bytes 0-31) by a second (32-63) against a history that knows
  // the first read's even bytes.
  if (reply.size >= 2 * kFrameSize) {
    const ByteView first = reply.first(kFrameSize);
    const ByteView second(reply.data + kFrameSize, kFrameSize);
    TrustedFrame history;
    for (std::size_t b = 0; b < kFrameSize; b += 2) {
      history.bytes[b] = static_cast<std::uint8_t>(first[b] ^ (reply.size & 1));
      history.known.set(b);
    }
    (void)fields_to_confirm(c, m, history, first);
    const Confirmation merged = confirm(c, m, history, first, second);
    for (std::size_t b = 0; b < kFrameSize; ++b) {
      require(merged.trusted[b] == second[b] || merged.trusted[b] == history.bytes[b]);
    }
    remember(c, m, history, ByteView(merged.trusted.data(), kFrameSize), merged.disputed);
    (void)decode_data(c, m, ByteView(merged.trusted.data(), kFrameSize));
    (void)decode_data(c, m, ByteView(merged.other.data(), kFrameSize));
  }
}

}  // namespace
}  // namespace intergas

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  intergas::fuzz_one(data, size);
  return 0;
}
