#include "home_assistant.h"

#include <utility>

namespace intergas {

namespace {

// A boiler whose every scheduled command has answered (or been found silent) is announced at
// once. Deciding takes a few reads when commands go unanswered: each is asked three times, and
// their timeouts push the other commands to later reads (the cycle budget). One with a command
// still undecided (replies that keep arriving garbled) after this many answered reads is
// announced with what it answers so far.
constexpr int kReadsBeforeAnnouncing = 30;
// Default ExpireAfter: a value missing for three of its reads shows "unavailable".
constexpr int kReadsBeforeExpiry = 3;

}  // namespace

HomeAssistant::HomeAssistant(HaConfig config, HaPublisher::LogFn log)
    : config_(std::move(config)), log_(std::move(log)) {
  naming_.prefix = config_.prefix;
  naming_.discovery_prefix = config_.discovery_prefix;
}

void HomeAssistant::add_boiler(Boiler b) {
  Tracked t;
  t.boiler = std::move(b);
  boilers_.push_back(std::move(t));
}

bool HomeAssistant::start(const std::string& hostname) {
  naming_.hostname = hostname;
  const std::string client_id =
      config_.client_id.empty() ? "collectd-intergas-" + hostname : config_.client_id;
  publisher_ =
      std::make_unique<HaPublisher>(config_, client_id, bridge_availability_topic(naming_), log_);
  for (const Tracked& t : boilers_) {
    for (const std::string& filter : discovery_subscriptions(naming_, t.boiler.name))
      publisher_->own(filter, "config/" + t.boiler.name);
  }
  // A config this collectd published for a boiler it no longer has (removed, or renamed) is
  // cleared; the configured boilers' own are matched first (own), and other hosts' and other
  // integrations' are not this collectd's.
  publisher_->sweep(all_discovery_subscriptions(naming_),
                    [naming = naming_](const std::string&, const std::string& payload) {
                      return published_by_this_collectd(naming, payload);
                    });
  return publisher_->start();
}

void HomeAssistant::stop() {
  if (publisher_) publisher_->stop();
  publisher_.reset();
}

void HomeAssistant::on_report(std::size_t i, const CycleReport& r) {
  if (!publisher_ || i >= boilers_.size()) return;
  Tracked& t = boilers_[i];
  const Boiler& b = t.boiler;
  for (const ReplyDecoded& reply : r.replies) {
    if (const auto* v = std::get_if<VersionReading>(&reply.reading)) t.version = *v;
  }
  if (t.up != r.health.up) {
    t.up = r.health.up;
    publisher_->set_group("up/" + b.name, {{boiler_availability_topic(naming_, b.name),
                                            r.health.up ? kOnline : kOffline}});
  }
  if (!r.health.up) return;
  ++t.reads_answered;

  BoilerFacts f;
  f.name = b.name;
  if (b.model) {
    f.model = *b.model;
  } else if (r.health.checksummed_framing) {
    f.model = *r.health.checksummed_framing ? Model::xtreme : Model::hre;
  } else {
    return;
  }
  bool undecided = false;
  for (Command c : kAllCommands) {
    const auto k = static_cast<std::size_t>(command_index(c));
    const int every = b.schedule.every(c);
    const auto& answers = r.health.supported[k];
    if (every <= 0 || !is_asked_of(c, f.model)) continue;  // no D2 for a plain boiler
    if (answers) {
      f.every[k] = *answers ? every : 0;
    } else {
      // Not known since the link (re)opened: what was announced stands (no churn on a reopen).
      undecided = true;
      f.every[k] = t.announced ? t.announced->every[k] : 0;
    }
  }
  if (undecided && !t.announced && t.reads_answered < kReadsBeforeAnnouncing) return;
  f.version = t.version;
  const auto interval_s = std::chrono::duration_cast<std::chrono::seconds>(b.interval);
  f.expire_after = config_.expire_after
                       ? *config_.expire_after
                       : std::max(std::chrono::seconds(1), interval_s) * kReadsBeforeExpiry;
  if (t.announced && *t.announced == f) return;
  publisher_->set_group("config/" + b.name, discovery_configs(naming_, f, b.is_excluded));
  t.announced = std::move(f);
}

}  // namespace intergas
