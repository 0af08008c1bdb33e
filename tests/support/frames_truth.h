// What a test expects the client to decode from a simulated boiler: the published values of the
// frame the simulator answers with (tests/frames, with their sources), or, for a frame a profile
// changed by hand (hot_water, lockout), the state the simulator was given; never the decoder's
// own output on the simulator's encoding (sim::reading_of). Header-only; link intergas_client
// and intergas_sim.
#pragma once

#include <string>
#include <vector>

#include "client/metrics.h"
#include "protocol/session.h"
#include "sim/boiler_state.h"
#include "sim/frame_encoder.h"
#include "tests/frames/expected_metrics.h"

namespace intergas::test {

// The reading the simulator was given for command `c`.
inline Reading given_reading(const sim::BoilerState& s, Command c) {
  switch (c) {
    case Command::status:
      return s.status;
    case Command::status_extra:
      return s.status_extra;
    case Command::diagnostics:
      return s.diagnostics;
    case Command::counters:
      return s.counters;
    case Command::parameters:
      return s.parameters;
    case Command::version:
      return s.version;
    case Command::fault_stats:
      return s.fault_stats;
    case Command::status_extra2:
      return s.status_extra2;
  }
  return s.status;
}

// "" when `reply` carries exactly the published values of the frame `state` answers its command
// with (or, for a frame not in the table, the state's own reading); otherwise the first
// difference.
inline std::string differs_from_frames(const ReplyDecoded& reply, const sim::BoilerState& state) {
  const golden::RealFrame* f =
      golden::find_frame(reply.command, sim::encode_data(state, reply.command));
  if (f == nullptr) {
    return reply.reading == given_reading(state, reply.command)
               ? ""
               : std::string(command_name(reply.command)) + ": differs from the state it was given";
  }
  std::vector<Metric> got;
  append_reading_metrics(reply.reading, got);
  return golden::first_difference(got, golden::expected_metrics(*f));
}

}  // namespace intergas::test
