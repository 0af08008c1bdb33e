// Keeps a set of retained MQTT messages on a broker, from a thread of its own (libmosquitto), so
// that nothing the plugin's read path does ever waits on the broker. A broker that is down or
// refuses the login is reported once through `log` (and once when it comes back) and retried
// with a capped back-off; every (re)connection republishes the whole set.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/backoff.h"
#include "client/ha_discovery.h"
#include "ha_config.h"

struct mosquitto;

namespace intergas {

class HaPublisher {
 public:
  enum class Level { error, info };
  using LogFn = std::function<void(Level, const std::string&)>;
  // `will_topic` gets "online" on every connection and, from the broker, "offline" when the
  // connection dies without a goodbye (the last will); stop() says "offline" itself.
  HaPublisher(HaConfig config, std::string client_id, std::string will_topic, LogFn log);
  ~HaPublisher();
  HaPublisher(const HaPublisher&) = delete;
  HaPublisher& operator=(const HaPublisher&) = delete;

  // Before start(): retained messages matching the subscription `filter` belong to `group`. Those
  // found on the broker (an earlier run's) that the group's set does not hold are cleared once
  // the group is set: an entity removed while collectd was stopped goes too.
  void own(const std::string& filter, const std::string& group);

  // Before start(): for a while after every connection, retained messages matching the
  // subscriptions `filters` and no `own` filter, for which `is_leftover(topic, payload)` says so,
  // are cleared: the configs of a boiler removed from the configuration while collectd was
  // stopped. Runs on the client's thread.
  using LeftoverFn = std::function<bool(const std::string& topic, const std::string& payload)>;
  void sweep(std::vector<std::string> filters, LeftoverFn is_leftover);

  // Makes the client and starts the thread; false (with the reason logged) when libmosquitto
  // refuses the settings (a TLS file it cannot use).
  bool start();
  // Says "offline" on the will topic when connected, disconnects and joins the thread.
  void stop();

  // Thread-safe and non-blocking. The retained messages of one group (a boiler's configs):
  // those of the group's previous set that are missing from `messages` are cleared on the broker
  // (an empty retained payload). Messages equal to what was sent on this connection are not
  // sent again.
  void set_group(const std::string& group, std::vector<RetainedMessage> messages);

 private:
  void run();
  void connected(int rc);  // on the thread: CONNACK
  void flush();            // on the thread: sends what differs from what the broker has
  // On the thread: a message from the broker.
  void received(const std::string& topic, const std::string& payload, bool retained);
  bool note_if_owned(const std::string& topic);  // true when owned (then noted in found_)
  void end_sweep_when_due();                     // on the thread: unsubscribes once the time is up
  // The kinds of problem logged once each: a broker that is away, one refusing the login, one
  // whose certificate (or TLS settings) the TLS handshake refuses.
  enum class Problem { none, unreachable, refused, tls };
  static Problem problem_of(int rc);  // of a failed connect or loop (not a CONNACK)
  // Why the connection failed or was lost, for the log: the TLS handshake's reason when it was
  // that.
  std::string connection_lost(int rc) const;
  // Logs a problem when it differs in kind from the one already logged: a broker that stays
  // away is logged once, however often it is retried.
  void failed(const std::string& why, Problem problem);
  void wait_for(std::chrono::milliseconds delay);

  HaConfig config_;
  std::string client_id_, will_topic_;
  LogFn log_;
  struct mosquitto* mosq_ = nullptr;
  std::thread thread_;
  Backoff backoff_{std::chrono::milliseconds(1000), std::chrono::milliseconds(10000)};
  bool refused_ = false;    // this attempt's CONNACK said no (logged there)
  std::string tls_reason_;  // this attempt's: OpenSSL's first error (libmosquitto's log)
  std::vector<std::string> sweep_filters_;
  LeftoverFn is_leftover_;
  std::optional<std::chrono::steady_clock::time_point> sweep_ends_;  // while subscribed

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::set<std::string>> groups_;     // group -> its topics
  std::map<std::string, std::string> wanted_;               // topic -> payload
  std::set<std::string> to_clear_;                          // topics whose retained config goes
  std::vector<std::pair<std::string, std::string>> owned_;  // subscription -> group
  std::map<std::string, std::set<std::string>> found_;      // group -> retained topics found
  std::map<std::string, std::string> sent_;                 // on this connection
  bool is_connected_ = false;
  bool dirty_ = false;
  Problem logged_problem_ = Problem::none;  // since the last successful connection
  bool ever_connected_ = false;
};

}  // namespace intergas
