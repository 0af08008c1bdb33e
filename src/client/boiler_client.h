// One boiler: a Session bound to a Link, reopened with a capped back-off after a loss, with the
// health figures of METRICS.md. Driven by a poll loop (Poller) or a blocking loop (SyncDriver);
// it never reads the clock itself and never logs: transitions come out as Notices. It does not
// wait for input, but a request's write may wait up to the link's write stall limit (100 ms,
// FdLink::kWriteWait) for room in a full output buffer, which a healthy 9600-baud line never has.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/backoff.h"
#include "client/line_watch.h"
#include "client/metrics.h"
#include "client/notice.h"
#include "link/link.h"
#include "protocol/session.h"

namespace intergas {

// What one read cycle produced.
struct CycleReport {
  unsigned long cycle = 0;
  Health health;
  std::vector<ReplyDecoded> replies;
  std::vector<RequestFailed> failures;
  std::vector<SupportChanged> support_changes;
  std::vector<ValueOutOfRange> out_of_range;
};

// Adds one session event to the report of the cycle it belongs to; the CycleDone that ends the
// cycle is returned (it sets report.cycle and health.up), nullptr for the others.
const CycleDone* add_to_report(CycleReport& report, Event& event);

struct ClientOptions {
  SessionConfig session;
  Backoff::Delay reopen_first{1000};
  Backoff::Delay reopen_cap{30000};  // the plugin caps this at the read interval
  std::chrono::milliseconds connect_timeout{3000};
  // Once a reply has begun, read the rest after its wire time rather than on every byte.
  bool coalesce_reads = true;
  LineWatchOptions watch;
};

class BoilerClient {
 public:
  BoilerClient(std::unique_ptr<Link> link, ClientOptions options);

  // --- driver interface ---
  int fd() const { return link_->fd(); }
  short poll_events() const;  // POLLIN while open, POLLOUT while connecting, 0 when closed
  // The earliest time on_tick has work: a session deadline, a reopen or a connect timeout.
  std::optional<TimePoint> next_wakeup() const;
  // Call with the revents poll returned for fd().
  void on_ready(short revents, TimePoint now);
  // Call whenever next_wakeup() has passed (calling earlier is harmless).
  void on_tick(TimePoint now);
  // Starts a read cycle now; a closed link ends it at once with up = 0. While a TCP link is
  // still resolving or connecting, the cycle waits for that to end.
  void begin_cycle(TimePoint now);

  // --- results ---
  std::optional<CycleReport> take_report();
  std::optional<Notice> take_notice();
  // A report or notice is waiting: a blocking driver returns to its caller before it polls.
  bool has_output() const { return !reports_.empty() || !notices_.empty(); }

  const Link& link() const { return *link_; }
  const Session& session() const { return session_; }
  std::uint64_t reconnects() const { return reconnects_; }
  // Stops everything: closes the link (used at shutdown).
  void close() { link_->close(); }

 private:
  void try_open(TimePoint now);
  void opened(TimePoint now);
  void open_failed(const std::error_code& error, TimePoint now);
  void lost(const std::error_code& error, TimePoint now);
  void read_input(TimePoint now);
  void start_waiting_cycle(TimePoint now);
  void pump_session(TimePoint now);
  void collect_events(TimePoint now);
  // The Device as configured, and where it led when that differs: "usb:0403:6001 (/dev/ttyUSB0)".
  std::string device_text() const;
  void notice(Notice::Kind kind, std::string text, std::chrono::milliseconds retry_in = {});

  enum class LinkPhase { closed, connecting, open };

  std::unique_ptr<Link> link_;
  ClientOptions options_;
  Session session_;
  Backoff backoff_;
  LinkPhase phase_ = LinkPhase::closed;
  TimePoint reopen_at_{};  // when closed: next attempt (epoch = at once)
  TimePoint connect_deadline_{};
  std::optional<TimePoint> read_after_;  // open: input is left in the kernel until then
  bool ever_opened_ = false;
  bool cycle_waits_for_open_ = false;
  // A bridge that accepts and hangs up before any reply would log a loss and a reopen every
  // back-off period: such losses are said at the 1st, 2nd, 4th, 8th ... in a row, each reopen
  // only after a loss that was said, and the first valid reply after unsaid ones ends the run.
  bool answered_since_open_ = false;
  bool answered_ever_ = false;
  std::uint64_t losses_unanswered_ = 0;  // losses in a row with no valid reply in between
  bool last_loss_said_ = true;
  std::uint64_t reconnects_ = 0;
  LineWatch watch_;
  CycleReport building_;
  std::vector<CycleReport> reports_;
  std::vector<Notice> notices_;
};

}  // namespace intergas
