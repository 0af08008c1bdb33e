// Drives one BoilerClient on the calling thread, blocking in poll(): for intergas-read and tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/boiler_client.h"

namespace intergas {

// Opens the client's link, waiting up to `limit` (a TCP connect may take that long). Returns
// nullopt when open, else the reason from the first failed attempt. Notices go to `notices`.
std::optional<std::string> open_blocking(BoilerClient& client, Duration limit,
                                         std::vector<Notice>& notices);

// Runs one read cycle to its end (or until `limit`, then nullopt). Notices go to `notices`.
std::optional<CycleReport> run_cycle_blocking(BoilerClient& client, Duration limit,
                                              std::vector<Notice>& notices);

// One poll step: ticks the client and waits for input until its next wake-up or `until`; returns
// at once when the tick left a report or notice to take.
void step(BoilerClient& client, TimePoint until);

}  // namespace intergas
