// A change of state worth one log line. The client and its LineWatch decide what is worth saying;
// the plugin and intergas-read decide how (level, rate limit).
#pragma once

#include <chrono>
#include <string>

namespace intergas {

struct Notice {
  enum class Kind {
    link_opened,          // first open
    link_reopened,        // open again after a loss
    open_failed,          // error says why; the next attempt is after `retry_in` (rate-limit it)
    link_lost,            // hang-up, EOF, EIO, ENODEV, reset
    boiler_answering,     // the status request answers again after boiler_silent or no_answer
    boiler_silent,        // the status request has failed for a while after answering
    no_answer,            // nothing valid since the link opened; repeated each cycle (rate-limit)
    identified,           // framing, firmware and the commands the boiler answers
    command_unsupported,  // a command is no longer answered (after identified)
    command_answering,    // a command marked unsupported answers again
    frame_rejected,       // one rule rejected a command's frame again and again (once, raw)
    frame_trusted,        // a frame that breaks a cross-field rule repeated its fields: exported
    value_out_of_range,   // a sensor value outside its physical range: left out (once per field)
    command_deferred,     // groups keep waiting for room in the read interval (once)
    line_noisy,           // share of failed requests in the last period, by reason
    line_recovered,       // a period without that share after line_noisy
  };
  Kind kind;
  std::string text;  // one line: device, errno text, failure reasons, what to check
  std::chrono::milliseconds retry_in{0};
};

}  // namespace intergas
