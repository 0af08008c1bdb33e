// Home Assistant discovery for the plugin's boilers: each boiler's facts (model, firmware, the
// commands it answers) followed from its cycle reports, turned into discovery configs and
// availability (client/ha_discovery.h) and handed to an HaPublisher. Called from the poll loop;
// never waits on the broker.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/boiler_client.h"
#include "client/ha_discovery.h"
#include "ha_config.h"
#include "ha_publisher.h"
#include "protocol/schedule.h"

namespace intergas {

class HomeAssistant {
 public:
  struct Boiler {
    std::string name;
    std::optional<Model> model;  // unset: the framing found on the line says
    std::chrono::milliseconds interval{10000};
    Schedule schedule;
    std::function<bool(const Metric&)> is_excluded;
  };

  HomeAssistant(HaConfig config, HaPublisher::LogFn log);
  // Before start(), in the poller's order.
  void add_boiler(Boiler b);
  // `hostname` is collectd's Hostname (known at init, not at config time).
  bool start(const std::string& hostname);
  void stop();
  // On the poll loop's thread: boiler i finished a read.
  void on_report(std::size_t i, const CycleReport& report);

 private:
  struct Tracked {
    Boiler boiler;
    std::optional<VersionReading> version;
    std::optional<BoilerFacts> announced;
    std::optional<bool> up;
    int reads_answered = 0;
  };

  HaConfig config_;
  HaPublisher::LogFn log_;
  HaNaming naming_;
  std::vector<Tracked> boilers_;
  std::unique_ptr<HaPublisher> publisher_;
};

}  // namespace intergas
