// A simulated boiler in memory and on virtual time: the simulator's encoder (sim/frame_encoder.h)
// and fault injector (sim/faults.h) behind a Link, with no descriptor, no thread, no sleep and no
// clock. The test owns the time and moves it from event to event, so timing, faults and
// reconnects are exact and instant (h11's paired connections; protocol.md 13 for the wire).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/boiler_client.h"
#include "link/link.h"
#include "protocol/session.h"
#include "sim/boiler_state.h"
#include "sim/faults.h"

namespace intergas::test {

// The virtual wire paces bytes at kByteWireTime (protocol/command.h: 9600 baud 8-N-1).

struct VirtualBoilerOptions {
  Duration latency = std::chrono::milliseconds(100);  // request end -> first reply byte
  Duration late = std::chrono::milliseconds(1500);    // the `late` fault's delay
  Duration hangup = std::chrono::hours(1);            // how long a hangup fault unplugs
  bool pace = true;                                   // bytes arrive at 9600 baud
  std::uint64_t seed = 1;
  sim::FaultRates rates;
};

// The boiler end: recognises requests in what the host writes (ignoring anything else, as
// intergas-sim does), answers from its state through the fault injector, and puts the reply on
// a virtual wire.
class VirtualBoiler {
 public:
  struct Request {
    TimePoint at;
    Command command;
    std::optional<sim::FaultKind> fault;
  };

  explicit VirtualBoiler(sim::BoilerState state, VirtualBoilerOptions options = {});

  sim::BoilerState& state() { return state_; }
  const sim::BoilerState& state() const { return state_; }
  // The next reply gets fault `k` (intergas-sim's `fault <kind>`).
  void force_next(sim::FaultKind k) { faults_.force_next(k); }

  // The host wrote `bytes` at `now`.
  void receive(const std::uint8_t* bytes, std::size_t size, TimePoint now);
  // When the next byte reaches the host; nullopt when none is on its way.
  std::optional<TimePoint> next_arrival() const;
  // The bytes that have reached the host by `now`, in order.
  Bytes take_arrived(TimePoint now);

  // Unplugged: the link to it is lost and cannot be opened until `now` passes the return time.
  void unplug(TimePoint now, Duration for_how_long);
  void replug() { unplugged_until_.reset(); }
  bool plugged(TimePoint now) const { return !unplugged_until_ || now >= *unplugged_until_; }

  // Every request recognised, in order, with the fault its reply got.
  const std::vector<Request>& requests() const { return requests_; }

 private:
  void answer(Command c, TimePoint now);
  void send(const Bytes& bytes, TimePoint start);

  sim::BoilerState state_;
  VirtualBoilerOptions options_;
  sim::FaultInjector faults_;
  Bytes window_;                                 // request bytes seen so far
  std::multimap<TimePoint, std::uint8_t> wire_;  // each byte at the time it reaches the host
  std::optional<TimePoint> unplugged_until_;
  std::vector<Request> requests_;
};

// The host end: a Link whose writes reach `boiler` at the time in `clock`, and whose input is
// what arrived from it. It reports the loss (EIO) once the boiler is unplugged, as a pty does.
class VirtualLink : public Link {
 public:
  VirtualLink(VirtualBoiler& boiler, const TimePoint& clock) : boiler_(boiler), clock_(clock) {}

  OpenResult open() override;
  OpenResult finish_open(bool timed_out) override;
  void close() override;
  bool is_open() const override { return open_; }
  int fd() const override { return open_ ? kFakeFd : -1; }  // never polled: see ClientPair
  std::error_code write_all(const std::uint8_t* data, std::size_t size) override;
  ReadResult read_some(std::uint8_t* buffer, std::size_t capacity) override;
  bool drain() override;
  const std::string& name() const override { return name_; }
  std::string resolved_name() const override { return name_; }

  // What poll() would report for the link now: POLLIN with input waiting, POLLHUP once lost.
  short revents();
  // When each open() was tried, successful or not.
  const std::vector<TimePoint>& open_attempts() const { return open_attempts_; }

 private:
  static constexpr int kFakeFd = 1 << 20;
  void collect();

  VirtualBoiler& boiler_;
  const TimePoint& clock_;
  std::string name_ = "virtual";
  bool open_ = false;
  Bytes input_;
  std::vector<TimePoint> open_attempts_;
};

// Client options for tests: every command on every cycle, the given reply timeout and settle
// time, reopen back-off 100 ms doubling to 400 ms.
ClientOptions test_client_options(Model m, Duration reply_timeout = std::chrono::milliseconds(400),
                                  Duration settle = std::chrono::milliseconds(60));

// A BoilerClient on a VirtualLink to a VirtualBoiler, with the time they share. advance() does
// what a poll loop does, from one event to the next (the client's wake-up, a byte arriving),
// without waiting.
class ClientPair {
 public:
  ClientPair(sim::BoilerState state, ClientOptions options, VirtualBoilerOptions boiler = {});

  TimePoint now() const { return now_; }
  BoilerClient& client() { return *client_; }
  VirtualBoiler& boiler() { return boiler_; }
  VirtualLink& link() { return *link_; }

  // Runs the loop until `until` (virtual); output is left in the client.
  void advance(TimePoint until);
  void advance(Duration by) { advance(now_ + by); }
  // Opens the link (the client's first attempt); false if it did not open within a second.
  bool open();
  // Begins a cycle now and runs until its report (or `limit`, then nullopt). Notices are
  // collected in notices().
  std::optional<CycleReport> cycle(Duration limit = std::chrono::seconds(30));
  const std::vector<Notice>& notices() const { return notices_; }

 private:
  void take_notices();
  std::optional<TimePoint> next_event() const;

  TimePoint now_{std::chrono::hours(1000)};  // any fixed start: nothing reads a real clock
  VirtualBoiler boiler_;
  VirtualLink* link_ = nullptr;  // owned by the client
  std::unique_ptr<BoilerClient> client_;
  std::vector<Notice> notices_;
};

// The same loop for a bare Session: writes what it transmits to `boiler`, feeds it what arrives,
// fires its timer, from event to event until `until`. Events are left in the session.
void run_session(Session& session, VirtualBoiler& boiler, TimePoint& now, TimePoint until);

}  // namespace intergas::test
