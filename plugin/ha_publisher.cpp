#include "ha_publisher.h"

#include <mosquitto.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace intergas {

namespace {

constexpr int kQos = 1;  // configs and availability must arrive; the broker keeps them
// The broker sends the retained messages of a subscription at once; a sweep's subscriptions
// (every config on the broker) are dropped after this, so that live traffic is not read.
constexpr std::chrono::seconds kSweepTime{30};

std::string mosquitto_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

// libmosquitto logs OpenSSL's reason as "OpenSSL Error[0]: error:0A000086:SSL
// routines::certificate verify failed"; the part after the last colon is the reason.
std::string openssl_reason(const char* line) {
  const std::string text = line == nullptr ? "" : line;
  if (text.rfind("OpenSSL Error", 0) != 0) return {};
  const auto colon = text.rfind(':');
  return colon == std::string::npos ? text : text.substr(colon + 1);
}

}  // namespace

HaPublisher::HaPublisher(HaConfig config, std::string client_id, std::string will_topic, LogFn log)
    : config_(std::move(config)),
      client_id_(std::move(client_id)),
      will_topic_(std::move(will_topic)),
      log_(std::move(log)) {}

HaPublisher::~HaPublisher() {
  stop();
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

bool HaPublisher::start() {
  mosquitto_lib_init();
  mosq_ = mosquitto_new(client_id_.c_str(), /*clean_session=*/true, this);
  if (mosq_ == nullptr) {
    log_(Level::error,
         "HomeAssistant: cannot make an MQTT client: " + mosquitto_text(MOSQ_ERR_ERRNO));
    return false;
  }
  // Our own loop thread calls mosquitto_loop; set_group's publishes happen there too.
  mosquitto_threaded_set(mosq_, true);
  mosquitto_connect_callback_set(mosq_, [](struct mosquitto*, void* self, int rc) {
    static_cast<HaPublisher*>(self)->connected(rc);
  });
  // Its only word on why a TLS handshake failed (runs on our thread, inside mosquitto_loop).
  mosquitto_log_callback_set(mosq_, [](struct mosquitto*, void* self, int level, const char* line) {
    if ((level & MOSQ_LOG_ERR) == 0) return;
    std::string reason = openssl_reason(line);
    auto* publisher = static_cast<HaPublisher*>(self);
    if (!reason.empty() && publisher->tls_reason_.empty())
      publisher->tls_reason_ = std::move(reason);
  });
  mosquitto_message_callback_set(
      mosq_, [](struct mosquitto*, void* self, const struct mosquitto_message* m) {
        if (m == nullptr || m->topic == nullptr) return;
        const std::string payload = m->payloadlen > 0
                                        ? std::string(static_cast<const char*>(m->payload),
                                                      static_cast<std::size_t>(m->payloadlen))
                                        : std::string();
        static_cast<HaPublisher*>(self)->received(m->topic, payload, m->retain);
      });
  int rc = mosquitto_will_set(mosq_, will_topic_.c_str(), static_cast<int>(std::strlen(kOffline)),
                              kOffline, kQos, /*retain=*/true);
  if (rc == MOSQ_ERR_SUCCESS && !config_.user.empty()) {
    rc = mosquitto_username_pw_set(mosq_, config_.user.c_str(),
                                   config_.password.empty() ? nullptr : config_.password.c_str());
  }
  if (rc == MOSQ_ERR_SUCCESS && !config_.ca_cert.empty()) {
    auto or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    rc = mosquitto_tls_set(mosq_, config_.ca_cert.c_str(), nullptr,
                           or_null(config_.certificate_file), or_null(config_.certificate_key_file),
                           nullptr);
    if (rc == MOSQ_ERR_SUCCESS) {
      rc = mosquitto_tls_opts_set(mosq_, /*SSL_VERIFY_PEER=*/1, or_null(config_.tls_protocol),
                                  nullptr);
    }
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    log_(Level::error,
         "HomeAssistant: the MQTT client refuses the settings: " + mosquitto_text(rc));
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void HaPublisher::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HaPublisher::own(const std::string& filter, const std::string& group) {
  owned_.emplace_back(filter, group);
}

void HaPublisher::sweep(std::vector<std::string> filters, LeftoverFn is_leftover) {
  sweep_filters_ = std::move(filters);
  is_leftover_ = std::move(is_leftover);
}

bool HaPublisher::note_if_owned(const std::string& topic) {
  for (const auto& [filter, group] : owned_) {
    bool matches = false;
    mosquitto_topic_matches_sub(filter.c_str(), topic.c_str(), &matches);
    if (!matches) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    found_[group].insert(topic);
    const auto set = groups_.find(group);
    if (set != groups_.end() && set->second.count(topic) == 0) {
      to_clear_.insert(topic);
      dirty_ = true;
    }
    return true;
  }
  return false;
}

void HaPublisher::received(const std::string& topic, const std::string& payload, bool retained) {
  // Only what the broker kept from before: our own publishes come back live (not retained).
  if (!retained || payload.empty()) return;
  if (note_if_owned(topic) || !sweep_ends_ || !is_leftover_(topic, payload)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (wanted_.count(topic) != 0) return;
  to_clear_.insert(topic);
  dirty_ = true;
}

void HaPublisher::end_sweep_when_due() {
  if (!sweep_ends_ || std::chrono::steady_clock::now() < *sweep_ends_) return;
  for (const std::string& filter : sweep_filters_) {
    mosquitto_unsubscribe(mosq_, nullptr, filter.c_str());
  }
  sweep_ends_.reset();
}

void HaPublisher::set_group(const std::string& group, std::vector<RetainedMessage> messages) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::set<std::string> topics;
    for (RetainedMessage& m : messages) {
      topics.insert(m.topic);
      to_clear_.erase(m.topic);
      wanted_[m.topic] = std::move(m.payload);
    }
    for (const std::string& earlier : found_[group]) {
      if (topics.count(earlier) == 0) to_clear_.insert(earlier);
    }
    for (const std::string& old : groups_[group]) {
      if (topics.count(old) != 0) continue;
      wanted_.erase(old);
      to_clear_.insert(old);
    }
    groups_[group] = std::move(topics);
    dirty_ = true;
  }
  wake_.notify_all();
}

void HaPublisher::wait_for(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_; });
}

HaPublisher::Problem HaPublisher::problem_of(int rc) {
  return rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_TLS_HANDSHAKE ? Problem::tls : Problem::unreachable;
}

std::string HaPublisher::connection_lost(int rc) const {
  if (problem_of(rc) != Problem::tls) return mosquitto_text(rc);
  // mosquitto_strerror says only "A TLS error occurred."
  return "the TLS handshake failed" + (tls_reason_.empty() ? "" : ": " + tls_reason_);
}

void HaPublisher::failed(const std::string& why, Problem problem) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    is_connected_ = false;
    if (problem == logged_problem_) return;
    logged_problem_ = problem;
  }
  log_(Level::error, "HomeAssistant: broker " + config_.host + ":" + std::to_string(config_.port) +
                         ": " + why + " (retrying)");
}

void HaPublisher::connected(int rc) {
  if (rc != 0) {
    refused_ = true;
    failed(std::string("refused the connection: ") + mosquitto_connack_string(rc),
           Problem::refused);
    return;
  }
  backoff_.reset();
  bool say = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    is_connected_ = true;
    sent_.clear();  // a new connection: everything is sent again (identical configs change nothing)
    dirty_ = true;
    say = !ever_connected_ || logged_problem_ != Problem::none;
    ever_connected_ = true;
    logged_problem_ = Problem::none;
  }
  mosquitto_publish(mosq_, nullptr, will_topic_.c_str(), static_cast<int>(std::strlen(kOnline)),
                    kOnline, kQos, /*retain=*/true);
  for (const auto& owned : owned_) mosquitto_subscribe(mosq_, nullptr, owned.first.c_str(), kQos);
  if (is_leftover_) {
    for (const std::string& filter : sweep_filters_) {
      mosquitto_subscribe(mosq_, nullptr, filter.c_str(), kQos);
    }
    sweep_ends_ = std::chrono::steady_clock::now() + kSweepTime;
  }
  if (say) {
    log_(Level::info,
         "HomeAssistant: connected to broker " + config_.host + ":" + std::to_string(config_.port));
  }
}

void HaPublisher::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!is_connected_ || !dirty_) return;
  bool all_sent = true;
  for (const auto& [topic, payload] : wanted_) {
    auto it = sent_.find(topic);
    if (it != sent_.end() && it->second == payload) continue;
    const int rc =
        mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                          payload.data(), kQos, /*retain=*/true);
    if (rc != MOSQ_ERR_SUCCESS) {
      all_sent = false;
      break;
    }
    sent_[topic] = payload;
  }
  for (auto it = to_clear_.begin(); all_sent && it != to_clear_.end();) {
    const int rc =
        mosquitto_publish(mosq_, nullptr, it->c_str(), 0, nullptr, kQos, /*retain=*/true);
    if (rc != MOSQ_ERR_SUCCESS) {
      all_sent = false;
      break;
    }
    sent_.erase(*it);
    for (auto& found : found_) found.second.erase(*it);
    it = to_clear_.erase(it);
  }
  dirty_ = !all_sent;
}

void HaPublisher::run() {
  bool socket_open = false;
  bool first = true;
  const int keep_alive = static_cast<int>(config_.keep_alive.count());
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    if (!socket_open) {
      refused_ = false;
      tls_reason_.clear();
      const int rc =
          first ? mosquitto_connect_async(mosq_, config_.host.c_str(), config_.port, keep_alive)
                : mosquitto_reconnect_async(mosq_);
      first = false;
      if (rc != MOSQ_ERR_SUCCESS) {
        failed(connection_lost(rc), problem_of(rc));
        wait_for(backoff_.next());
        continue;
      }
      socket_open = true;
    }
    // Short, so that set_group's messages go out within a fraction of a second.
    const int rc = mosquitto_loop(mosq_, /*timeout_ms=*/200, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
      socket_open = false;
      sweep_ends_.reset();  // the subscriptions went with the connection (a clean session)
      if (!refused_) failed(connection_lost(rc), problem_of(rc));
      {
        std::lock_guard<std::mutex> lock(mutex_);
        is_connected_ = false;
      }
      wait_for(backoff_.next());
      continue;
    }
    end_sweep_when_due();
    flush();
  }
  bool was_connected = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_connected = is_connected_;
  }
  if (!socket_open) return;
  if (was_connected) {
    // A clean goodbye sends no last will: say "offline" ourselves, and give it a moment to leave.
    mosquitto_publish(mosq_, nullptr, will_topic_.c_str(), static_cast<int>(std::strlen(kOffline)),
                      kOffline, kQos, /*retain=*/true);
    for (int i = 0; i < 10 && mosquitto_want_write(mosq_); ++i) mosquitto_loop(mosq_, 100, 1);
  }
  mosquitto_disconnect(mosq_);
  mosquitto_loop(mosq_, 100, 1);
}

}  // namespace intergas
