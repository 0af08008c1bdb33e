// The simulated boiler's state: one reading struct per command, as the core decodes them, plus
// built-in profiles and the "key = value" text form used by --state, --print-state and `set`.
// Nothing here encodes or decodes frames.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/counters.h"
#include "protocol/diagnostics.h"
#include "protocol/fault_stats.h"
#include "protocol/model.h"
#include "protocol/parameters.h"
#include "protocol/reading.h"
#include "protocol/status.h"
#include "protocol/status_extra.h"
#include "protocol/status_extra2.h"
#include "protocol/version.h"

namespace intergas::sim {

struct BoilerState {
  Model model = Model::hre;
  StatusReading status;
  StatusExtraReading status_extra;
  DiagnosticsReading diagnostics;
  CountersReading counters;
  ParametersReading parameters;
  VersionReading version;
  FaultStatsReading fault_stats;
  // D2: answered only in the Xtreme's framing (protocol.md 12.4); the other models ignore it.
  StatusExtra2Reading status_extra2;
  // Xtreme S? bytes 18-21 have no field in StatusReading (protocol.md 5.6: "boiler to heater"
  // temperature and an undecoded mixer value); kept raw so LC's frame can be replayed exactly.
  std::array<std::uint8_t, 4> status_xtreme_bytes_18_21{};
};

// The reading this state answers command `c` with: its reply decoded by the core's decoder, so
// exactly what a reader decodes (a value between two steps of the wire format reads as the step).
Reading reading_of(const BoilerState& s, Command c);

// Names of the built-in profiles: idle, heating, hot_water, lockout, cw6, xtreme.
const std::vector<std::string_view>& profile_names();
// Fills `out` with the named profile; false for an unknown name. idle, heating, cw6 and xtreme
// answer every command with a frame of tests/frames/golden_frames.h; hot_water and lockout change
// the status frame of heating and idle.
bool make_profile(std::string_view name, BoilerState& out);

// Sets one field by key (e.g. "status.supply_celsius", "counters.burner_starts") from text
// ("55.25", "none" for an absent optional, decimal or 0x.. integers, hex for byte arrays).
// On failure returns false and sets `error` (without the key). A raw field also updates what the
// core derives from it (status_extra.pump_pwm_ratio, the diagnostics values).
bool set_field(BoilerState& s, std::string_view key, std::string_view value, std::string& error);

// Every key with its value, one "key = value" per entry, in a fixed order; set_field accepts
// each line back.
std::vector<std::string> state_lines(const BoilerState& s);

// Applies a --state file ("key = value" lines, '#' comments, blank lines). On failure returns
// false with `error` naming the file, line number and key.
bool load_state_file(const std::string& path, BoilerState& s, std::string& error);

}  // namespace intergas::sim
