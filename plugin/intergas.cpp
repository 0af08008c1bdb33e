// collectd read plugin for Intergas boilers: a thin shim over intergas_client.
//
// Config (see collectd.conf.example for every option):
//   <Plugin intergas>
//     <Boiler "kitchen">
//       Device "/dev/serial/by-id/usb-FTDI_..."   # or "tcp://host:port", "usb:0403:6001[:SERIAL]"
//       Model "auto"                              # default: found on the line; or "hre", "cw6",
//                                                 # "xtreme"
//       Interval 10                               # seconds; default: collectd's
//       ReplyTimeout 1.0                          # seconds per request; default 1, shortened to
//                                                 # fit a short interval (resolve_timing)
//       SettleTime 0.15                           # quiet time that proves a reply aligned
//       ConnectTimeout 3                          # tcp:// only
//       ReconnectMaxDelay 30                      # back-off cap (also capped at Interval)
//       MaxGasRate 8                              # m3/h: bounds the gas counters
//       HealthInterval 60                         # link accounting period; default every read
//       Schedule "counters" 6                     # every N reads, or "off"; N x Interval <= 300 s
//       Exclude "parameter" "flag/gp_switch"      # leave out types or type/instance
//     </Boiler>
//   </Plugin>
//
// One read callback per boiler ("intergas/<name>") only starts a cycle: all serial and TCP I/O
// runs on one poll-loop thread (Poller), which dispatches each boiler's values when its cycle
// ends, so hundreds of boilers never hold collectd's read threads.

#include <pthread.h>

#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "boiler_config.h"
#include "client/boiler_client.h"
#include "client/counter_guard.h"
#include "client/metrics.h"
#include "client/poller.h"
#include "collectd_api.h"
#include "home_assistant.h"
#include "link/fd_limit.h"
#include "link/open_link.h"

namespace intergas {
namespace {

constexpr const char* kPlugin = "intergas";

struct Boiler {
  BoilerConfig config;
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds reply_timeout{1000};
  Schedule schedule;
  int accounting_every = 1;  // reads between two dispatches of the link accounting
  c_complain_t open_complaint = C_COMPLAIN_INIT_STATIC;
  c_complain_t no_answer_complaint = C_COMPLAIN_INIT_STATIC;
  // Every counter of the boiler's data passes it before dispatch (client/counter_guard.h).
  CounterGuard counter_guard;
  std::map<std::string, TimePoint> held_logged;  // per series: when a held value was last logged
};

// collectd calls config (once per <Plugin intergas> block), then init, reads, shutdown; the
// poller thread only reads `boilers` after init.
std::vector<std::unique_ptr<Boiler>> boilers;
std::unique_ptr<Poller> poller;
pthread_t poller_thread;
bool poller_running = false;
// Home Assistant discovery (home_assistant.h): configured by a <HomeAssistant> block.
std::optional<HaConfig> ha_config;
std::unique_ptr<HomeAssistant> home_assistant;

std::string errno_text() { return std::system_category().message(errno); }

std::chrono::milliseconds to_ms(cdtime_t t) { return std::chrono::milliseconds(CDTIME_T_TO_MS(t)); }

cdtime_t to_cdtime(std::chrono::milliseconds ms) {
  return MS_TO_CDTIME_T(static_cast<uint64_t>(ms.count()));
}

void dispatch(const Boiler& b, const Metric& m, cdtime_t interval) {
  if (b.config.is_excluded(m)) return;
  value_t value;
  if (m.kind == DsKind::gauge) {
    value.gauge = m.gauge;
  } else {
    value.derive = m.derive;
  }
  value_list_t vl{};
  vl.values = &value;
  vl.values_len = 1;
  vl.interval = interval;  // set explicitly: the poller thread has no read interval of its own
  sstrncpy(vl.plugin, kPlugin, sizeof vl.plugin);
  sstrncpy(vl.plugin_instance, b.config.name.c_str(), sizeof vl.plugin_instance);
  sstrncpy(vl.type, m.type.c_str(), sizeof vl.type);
  sstrncpy(vl.type_instance, m.type_instance.c_str(), sizeof vl.type_instance);
  plugin_dispatch_values(&vl);
}

std::string series_name(const Metric& m) {
  return m.type_instance.empty() ? m.type : m.type + "/" + m.type_instance;
}

// Passes a value through the boiler's counter guard: false when held (not dispatched); a counter
// gets the value to dispatch (continued past a wrap). A new baseline is logged once, held values
// at most once an hour per series (a calm log).
bool pass_counter_guard(Boiler& b, Metric& m, TimePoint now) {
  constexpr Duration kHeldLogPeriod = std::chrono::hours(1);
  const CounterCheck c = b.counter_guard.check(m, now);
  if (c.verdict == CounterVerdict::unguarded) return true;
  const char* name = b.config.name.c_str();
  if (c.verdict == CounterVerdict::rebaselined) {
    INFO(
        "intergas plugin: Boiler \"%s\": %s: %d reads agree on %lld (%lld dispatched before): "
        "taken as the new baseline (the counter was reset or the controller replaced)",
        name, series_name(m).c_str(), c.agreeing, static_cast<long long>(c.value),
        static_cast<long long>(c.last));
  }
  if (c.dispatch()) {
    m.derive = c.value;
    return true;
  }
  auto [logged, first] = b.held_logged.try_emplace(series_name(m), now);
  if (first || now - logged->second >= kHeldLogPeriod) {
    logged->second = now;
    INFO(
        "intergas plugin: Boiler \"%s\": %s: %lld not dispatched: %s %lld, the last value "
        "dispatched (%llu held so far; a value that stays is taken after %d reads)",
        name, logged->first.c_str(), static_cast<long long>(c.value),
        c.verdict == CounterVerdict::held_lower ? "below" : "too far above for the time since",
        static_cast<long long>(c.last), static_cast<unsigned long long>(c.held), kConfirmReads);
  }
  return false;
}

// On the poller thread: one boiler finished a cycle.
void on_report(std::size_t i, CycleReport&& report) {
  try {
    Boiler& b = *boilers[i];
    if (home_assistant) home_assistant->on_report(i, report);
    // The cycle's end stands for the time of its replies, which are at most a cycle older: well
    // within the counter bounds' margins.
    const TimePoint now = Clock::now();
    std::vector<Metric> metrics;
    for (const ReplyDecoded& reply : report.replies) {
      metrics.clear();
      append_reply_metrics(reply, metrics);
      // A group read every N cycles carries its real period, so collectd does not expire it
      // between two reads (METRICS.md).
      const int every = std::max(1, b.schedule.every(reply.command));
      const cdtime_t interval = to_cdtime(b.interval * every);
      for (Metric& m : metrics) {
        if (pass_counter_guard(b, m, now)) dispatch(b, m, interval);
      }
    }
    for (const RequestFailed& f : report.failures) {
      plugin_log(LOG_DEBUG, "intergas plugin: Boiler \"%s\": %s failed: %s [%s]",
                 b.config.name.c_str(), std::string(command_name(f.command)).c_str(),
                 std::string(failure_name(f.reason)).c_str(), to_hex(f.raw).c_str());
    }
    // up and link_open say what this read did: every read. The accounting (request and failure
    // counters, durations, what the boiler answers) every read too, or every HealthInterval for
    // a fleet that wants less work in collectd's write path, with that period as its interval so
    // collectd does not expire it in between.
    metrics.clear();
    append_link_state(report.health, metrics);
    for (const Metric& m : metrics) dispatch(b, m, to_cdtime(b.interval));
    if ((report.cycle - 1) % static_cast<unsigned long>(b.accounting_every) == 0) {
      metrics.clear();
      append_link_accounting(report.health, b.schedule, metrics);
      for (const Metric& m : metrics) dispatch(b, m, to_cdtime(b.interval * b.accounting_every));
    }
  } catch (const std::exception& e) {
    ERROR("intergas plugin: dispatching failed: %s", e.what());
  } catch (...) {
    ERROR("intergas plugin: dispatching failed");
  }
}

// On the poller thread: log each change of state once; repeated open failures and a boiler that
// has never answered are rate-limited (c_complain doubles the wait between lines up to a day).
void on_notice(std::size_t i, Notice&& n) {
  try {
    Boiler& b = *boilers[i];
    const char* name = b.config.name.c_str();
    const char* text = n.text.c_str();
    switch (n.kind) {
      case Notice::Kind::link_opened:
      case Notice::Kind::link_reopened:
        // After rate-limited open failures, c_release logs the recovery; otherwise log it here.
        if (b.open_complaint.interval != 0) {
          c_release(LOG_INFO, &b.open_complaint, "intergas plugin: Boiler \"%s\": %s", name, text);
        } else {
          INFO("intergas plugin: Boiler \"%s\": %s", name, text);
        }
        break;
      case Notice::Kind::open_failed:
        c_complain(LOG_ERR, &b.open_complaint, "intergas plugin: Boiler \"%s\": %s (retrying)",
                   name, text);
        break;
      case Notice::Kind::no_answer:
        c_complain(LOG_WARNING, &b.no_answer_complaint, "intergas plugin: Boiler \"%s\": %s", name,
                   text);
        break;
      case Notice::Kind::boiler_answering:
        if (b.no_answer_complaint.interval != 0) {
          c_release(LOG_INFO, &b.no_answer_complaint, "intergas plugin: Boiler \"%s\": %s", name,
                    text);
        } else {
          INFO("intergas plugin: Boiler \"%s\": %s", name, text);
        }
        break;
      case Notice::Kind::link_lost:
        WARNING("intergas plugin: Boiler \"%s\": %s; reopening in %lld ms", name, text,
                static_cast<long long>(n.retry_in.count()));
        break;
      case Notice::Kind::boiler_silent:
      case Notice::Kind::frame_rejected:
      case Notice::Kind::value_out_of_range:
      case Notice::Kind::line_noisy:
        WARNING("intergas plugin: Boiler \"%s\": %s", name, text);
        break;
      case Notice::Kind::frame_trusted:
        NOTICE("intergas plugin: Boiler \"%s\": %s", name, text);
        break;
      case Notice::Kind::command_deferred:
      case Notice::Kind::identified:
      case Notice::Kind::command_unsupported:
      case Notice::Kind::command_answering:
      case Notice::Kind::line_recovered:
        INFO("intergas plugin: Boiler \"%s\": %s", name, text);
        break;
    }
  } catch (...) {
  }
}

int read_boiler(user_data_t* ud);

int config(oconfig_item_t* ci) {
  try {
    std::vector<BoilerConfig> all;
    for (const auto& b : boilers) all.push_back(b->config);
    const std::size_t before = all.size();
    if (auto problem = parse_plugin_block(*ci, all)) {
      ERROR("intergas plugin: %s", problem->c_str());
      return EINVAL;
    }
    if (auto problem = parse_ha_blocks(*ci, ha_config)) {
      ERROR("intergas plugin: %s", problem->c_str());
      return EINVAL;
    }
    const auto default_interval = to_ms(plugin_get_interval());
    for (std::size_t i = before; i < all.size(); ++i) {
      auto b = std::make_unique<Boiler>();
      b->config = all[i];
      b->counter_guard = CounterGuard(b->config.max_gas_rate);
      Timing timing;
      if (auto problem = resolve_timing(b->config, default_interval, timing)) {
        ERROR("intergas plugin: %s", problem->c_str());
        return EINVAL;
      }
      if (!timing.warning.empty()) WARNING("intergas plugin: %s", timing.warning.c_str());
      if (!timing.note.empty()) INFO("intergas plugin: %s", timing.note.c_str());
      b->interval = timing.interval;
      b->reply_timeout = timing.reply_timeout;
      std::string schedule_warning;
      if (auto problem = resolve_schedule(b->config, b->interval, b->schedule, schedule_warning)) {
        ERROR("intergas plugin: %s", problem->c_str());
        return EINVAL;
      }
      if (!schedule_warning.empty()) WARNING("intergas plugin: %s", schedule_warning.c_str());
      if (b->config.health_interval.count() > 0)
        b->accounting_every = cycles_per(b->config.health_interval, b->interval);
      const std::size_t index = boilers.size();
      const std::string callback_name = std::string(kPlugin) + "/" + b->config.name;
      boilers.push_back(std::move(b));
      user_data_t ud{};
      ud.data = new std::size_t(index);
      ud.free_func = [](void* p) { delete static_cast<std::size_t*>(p); };
      // The daemon copies ud and, on failure, frees it itself.
      if (plugin_register_complex_read(kPlugin, callback_name.c_str(), read_boiler,
                                       to_cdtime(boilers.back()->interval), &ud) != 0) {
        ERROR("intergas plugin: Boiler \"%s\": registering the read callback failed",
              boilers.back()->config.name.c_str());
        return EINVAL;
      }
    }
    return 0;
  } catch (const std::exception& e) {
    ERROR("intergas plugin: configuration failed: %s", e.what());
    return ENOMEM;
  } catch (...) {
    return ENOMEM;
  }
}

// The poll loop returns "" after shutdown's stop(); anything else is why it died, with every
// link closed: said once here, and every later read fails (collectd then suspends the read
// callbacks and says so) until collectd is restarted.
void* run_poller(void*) {
  const std::string why = poller->run();
  if (!why.empty()) {
    ERROR(
        "intergas plugin: the poll loop stopped: %s; every boiler's link is closed and its reads "
        "fail until collectd restarts",
        why.c_str());
  }
  return nullptr;
}

// The types must be there, and with the data-source kind the plugin fills in: a value_t holds
// a gauge or a derive, and a wrong kind would be printed as garbage rather than refused.
bool check_types() {
  for (const MetricType& t : kMetricTypes) {
    const std::string type(t.name);
    const data_set_t* ds = plugin_get_ds(type.c_str());
    if (ds == nullptr) {
      ERROR(
          "intergas plugin: type \"%s\" is unknown: add intergas.types.db to TypesDB, after "
          "the stock types.db",
          type.c_str());
      return false;
    }
    const int want = t.kind == DsKind::derive ? DS_TYPE_DERIVE : DS_TYPE_GAUGE;
    if (ds->ds_num != 1 || ds->ds[0].type != want) {
      ERROR(
          "intergas plugin: type \"%s\" is not intergas.types.db's: another file in TypesDB "
          "redefines it; list intergas.types.db last",
          type.c_str());
      return false;
    }
  }
  return true;
}

// A broker that cannot be reached is retried on the publisher's thread; only settings libmosquitto
// refuses end it, and then collectd goes on without Home Assistant.
void start_home_assistant() {
  if (!ha_config) return;
  home_assistant = std::make_unique<HomeAssistant>(
      *ha_config, [](HaPublisher::Level level, const std::string& text) {
        plugin_log(level == HaPublisher::Level::error ? LOG_ERR : LOG_INFO, "intergas plugin: %s",
                   text.c_str());
      });
  for (const auto& b : boilers) {
    const BoilerConfig* config = &b->config;
    home_assistant->add_boiler({config->name, config->model, b->interval, b->schedule,
                                [config](const Metric& m) { return config->is_excluded(m); }});
  }
  if (!home_assistant->start(hostname_g != nullptr ? hostname_g : "")) home_assistant.reset();
}

bool start_poller() {
  if (!check_types()) return false;
  // For more than a few boilers: room above the select() range for the links and the eventfd
  // (link/fd_placement.h), so that write_prometheus (select()) keeps the low descriptor numbers
  // for its scrape connections.
  const FdLimitOutcome fd_limit = ensure_fd_limit(boilers.size());
  if (fd_limit.ok) {
    if (!fd_limit.text.empty()) INFO("intergas plugin: %s", fd_limit.text.c_str());
  } else {
    WARNING("intergas plugin: %s", fd_limit.text.c_str());
  }
  poller = std::make_unique<Poller>(on_report, on_notice);
  if (!poller->ok()) {
    ERROR("intergas plugin: cannot create the poll loop's eventfd: %s", errno_text().c_str());
    return false;
  }
  for (const auto& b : boilers) {
    std::string error;
    LinkOptions link_options;
    link_options.connect_timeout = b->config.connect_timeout;
    auto link = make_link(b->config.device, link_options, error);
    if (!link) {
      ERROR("intergas plugin: Boiler \"%s\": Device: %s", b->config.name.c_str(), error.c_str());
      return false;
    }
    ClientOptions options;
    // Without a Model the framing is found on the line; plain (HRE, CW6) is tried first.
    options.session.model = b->config.model.value_or(Model::hre);
    options.session.detect_model = !b->config.model;
    options.session.cycle_budget = b->interval;
    options.session.reply_timeout = b->reply_timeout;
    options.session.settle = b->config.settle;
    options.session.schedule = b->schedule;
    options.connect_timeout = b->config.connect_timeout;
    // Capped at the read interval, so a replugged adapter is read within two intervals.
    options.reopen_cap = std::min(b->config.reconnect_max, b->interval);
    poller->add(std::make_unique<BoilerClient>(std::move(link), options));
  }
  start_home_assistant();  // before the poll loop, whose reports it follows
  if (plugin_thread_create(&poller_thread, run_poller, nullptr, "intergas poll") != 0) {
    ERROR("intergas plugin: cannot start the poll loop thread: %s", errno_text().c_str());
    return false;
  }
  poller_running = true;
  return true;
}

int init() {
  bool started = false;
  try {
    started = poller_running || start_poller();
  } catch (const std::exception& e) {
    ERROR("intergas plugin: init failed: %s", e.what());
  } catch (...) {
    ERROR("intergas plugin: init failed");
  }
  if (started) return 0;
  // A failed init unregisters only a read callback named "intergas"; ours are named per boiler,
  // and left registered they would fail and be suspended for up to a day, in silence.
  plugin_unregister_read_group(kPlugin);
  poller.reset();
  return -1;
}

int shutdown() {
  try {
    if (poller_running) {
      poller->stop();
      pthread_join(poller_thread, nullptr);
      poller_running = false;
    }
    if (home_assistant) home_assistant->stop();
    home_assistant.reset();
    poller.reset();
    boilers.clear();
  } catch (...) {
  }
  return 0;
}

// Starts a cycle; the values follow from the poll loop. Returns 0 while the boiler is merely
// unreachable, so collectd never suspends the callback (up = 0 says it instead); -1 once the
// poll loop has died.
int read_boiler(user_data_t* ud) {
  try {
    if (!poller_running || ud == nullptr || ud->data == nullptr) return -1;
    return poller->request_cycle(*static_cast<std::size_t*>(ud->data)) ? 0 : -1;
  } catch (...) {
    return -1;
  }
}

}  // namespace
}  // namespace intergas

extern "C" __attribute__((visibility("default"))) void module_register(void) {
  plugin_register_complex_config("intergas", intergas::config);
  plugin_register_init("intergas", intergas::init);
  plugin_register_shutdown("intergas", intergas::shutdown);
}
