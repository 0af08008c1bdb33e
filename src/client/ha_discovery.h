// Home Assistant MQTT discovery (docs/home-assistant.md). Pure: what the plugin knows of a boiler
// in, retained (topic, payload) messages out; the plugin's HaPublisher sends them. Every entity
// reads the value collectd's own `mqtt` writer publishes: topic
// <Prefix>/<Hostname>/intergas-<boiler>/<type>[-<type instance>], payload "<time>:<value>\0"
// (collectd 5.12 ends every payload with a NUL byte; counters need the writer's StoreRates false).
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/metrics.h"
#include "protocol/command.h"
#include "protocol/model.h"
#include "protocol/version.h"

namespace intergas {

// Where collectd's mqtt writer publishes and where Home Assistant looks for discovery.
struct HaNaming {
  std::string prefix = "collectd";  // the mqtt writer's Prefix ("" for none)
  std::string discovery_prefix = "homeassistant";
  std::string hostname;  // collectd's Hostname: the second level of the writer's topics
};

// What is known of one boiler: the facts discovery follows. Values are not facts: an entity
// exists for every series the boiler's model can give for a command it answers, whether or not
// this cycle had a value, so entities never come and go with the boiler's state.
struct BoilerFacts {
  std::string name;  // the Boiler block's name (collectd's plugin instance)
  Model model = Model::hre;
  std::optional<VersionReading> version;  // from the REV reply, when the boiler gave one
  // Per command: read every N reads; 0 when not read, or when the boiler does not answer it.
  std::array<int, kCommandCount> every{};
  // A value read on every read expires (shows "unavailable") this long after it was last
  // published; one read every N reads, N times as long. 0: never.
  std::chrono::seconds expire_after{0};

  bool operator==(const BoilerFacts& o) const;
  bool operator!=(const BoilerFacts& o) const { return !(*this == o); }
};

struct RetainedMessage {
  std::string topic;
  std::string payload;  // empty: removes a retained config (Home Assistant drops the entity)
};

// Every series a boiler of model `m` can give in reply to `c`: the mapping of metrics.h applied
// to a reply decoded from a frame in which every field is known, with the states that make
// optional series appear (a lockout with its fault, the pressure sensor present).
std::vector<Metric> possible_metrics(Model m, Command c);

// Letters, digits, '_' and '-' as they are; anything else becomes '_' and the name gets a short
// hash of the original, so two names never meet (Home Assistant's node and object ids).
std::string safe_id(const std::string& s);

// The topic collectd's mqtt writer (5.12, src/mqtt.c format_topic) publishes a value on:
// <prefix>/<host>/intergas-<boiler>/<type>[-<instance>], '+' and '#' replaced by '_' when there
// is a prefix.
std::string collectd_value_topic(const HaNaming& n, const std::string& boiler,
                                 const std::string& type, const std::string& instance);
// "online"/"offline" of the plugin's own MQTT connection (its last will says "offline").
std::string bridge_availability_topic(const HaNaming& n);
// "online"/"offline" of one boiler: its `up`.
std::string boiler_availability_topic(const HaNaming& n, const std::string& boiler);
inline constexpr const char* kOnline = "online";
inline constexpr const char* kOffline = "offline";

// Subscriptions that match every discovery config of one boiler, this run's and any an earlier
// run left on the broker (so that those no longer wanted can be removed).
std::vector<std::string> discovery_subscriptions(const HaNaming& n, const std::string& boiler);

// Subscriptions that match every sensor's discovery config on the broker, any host's and any
// integration's: read at connection to find the configs of a boiler no longer configured.
std::vector<std::string> all_discovery_subscriptions(const HaNaming& n);

// Whether a discovery config was published by this plugin in a collectd with this Prefix and
// Hostname: it names this collectd's own availability topic first, which a config of another
// host (or another integration) never does. Node ids cannot tell: "intergas_a_b_c" is host "a"
// with boiler "b_c" as well as host "a_b" with boiler "c".
bool published_by_this_collectd(const HaNaming& n, const std::string& payload);

// One retained discovery config per entity of the boiler, in a stable order with deterministic
// payloads (the same facts give the same bytes, so a restart republishes identical configs).
// `is_excluded` leaves out what the Boiler block's Exclude lines leave out.
std::vector<RetainedMessage> discovery_configs(
    const HaNaming& n, const BoilerFacts& facts,
    const std::function<bool(const Metric&)>& is_excluded = {});

}  // namespace intergas
