// The <HomeAssistant> block of <Plugin intergas> -> HaConfig (docs/home-assistant.md). Reads
// oconfig_item_t (plain data) itself, so it is testable without the daemon; every error names
// the option.
#pragma once

#include <chrono>
#include <optional>
#include <string>

extern "C" {
#include <collectd/liboconfig/oconfig.h>
}

namespace intergas {

struct HaConfig {
  std::string host = "localhost";
  int port = 1883;
  std::string user;  // empty: no login
  std::string password;
  std::string client_id;  // empty: "collectd-intergas-<Hostname>"
  // TLS as collectd's mqtt plugin names it: CACert turns it on.
  std::string ca_cert;
  std::string certificate_file;
  std::string certificate_key_file;
  std::string tls_protocol;
  std::string prefix = "collectd";  // the mqtt writer's Prefix
  std::string discovery_prefix = "homeassistant";
  // Unset: three read intervals of each boiler. 0: values never expire.
  std::optional<std::chrono::seconds> expire_after;
  std::chrono::seconds keep_alive{60};  // the broker says "offline" 1.5 times this after a crash
};

// True for a <HomeAssistant> block (parse_plugin_block leaves those to parse_ha_block).
bool is_ha_block(const oconfig_item_t& item);

// Reads the <HomeAssistant> blocks of one <Plugin intergas> block into `config`. `config` holds
// the block already read from an earlier <Plugin intergas> block, if any: a second one is an
// error. On error returns the message, e.g. `HomeAssistant: Port: expects a port number 1-65535`.
std::optional<std::string> parse_ha_blocks(const oconfig_item_t& plugin_block,
                                           std::optional<HaConfig>& config);

}  // namespace intergas
