#include "ha_config.h"

#include <strings.h>
#include <unistd.h>

#include <cmath>

namespace intergas {

namespace {

bool key_is(const oconfig_item_t& item, const char* key) {
  return item.key != nullptr && ::strcasecmp(item.key, key) == 0;
}

std::optional<std::string> read_string(const oconfig_item_t& item, std::string& out) {
  if (item.values_num != 1 || item.values[0].type != OCONFIG_TYPE_STRING)
    return std::string("expects one string");
  out = item.values[0].value.string;
  return std::nullopt;
}

// A topic level the user names: MQTT forbids the wildcards in a published topic.
std::optional<std::string> read_topic_part(const oconfig_item_t& item, std::string& out,
                                           bool may_be_empty) {
  if (auto problem = read_string(item, out)) return problem;
  if (out.find_first_of("+#") != std::string::npos)
    return std::string("must not contain '+' or '#' (MQTT wildcards)");
  if (!may_be_empty && out.empty()) return std::string("must not be empty");
  return std::nullopt;
}

std::optional<std::string> read_file_name(const oconfig_item_t& item, std::string& out) {
  if (auto problem = read_string(item, out)) return problem;
  if (::access(out.c_str(), R_OK) != 0) return "cannot read \"" + out + "\"";
  return std::nullopt;
}

std::optional<std::string> read_whole_number(const oconfig_item_t& item, double min, double max,
                                             double& out) {
  const bool ok = item.values_num == 1 && item.values[0].type == OCONFIG_TYPE_NUMBER &&
                  item.values[0].value.number >= min && item.values[0].value.number <= max &&
                  item.values[0].value.number == std::floor(item.values[0].value.number);
  if (!ok) {
    return "expects a whole number from " + std::to_string(static_cast<long>(min)) + " to " +
           std::to_string(static_cast<long>(max));
  }
  out = item.values[0].value.number;
  return std::nullopt;
}

std::optional<std::string> parse_block(const oconfig_item_t& block, HaConfig& c) {
  if (block.values_num != 0) return std::string("takes no argument: <HomeAssistant>");
  for (int i = 0; i < block.children_num; ++i) {
    const oconfig_item_t& o = block.children[i];
    std::optional<std::string> problem;
    double number = 0;
    if (key_is(o, "Host")) {
      problem = read_string(o, c.host);
      if (!problem && c.host.empty()) problem = "must not be empty";
    } else if (key_is(o, "Port")) {
      // collectd's mqtt plugin takes the port as a number or a string; so do we.
      if (o.values_num == 1 && o.values[0].type == OCONFIG_TYPE_STRING) {
        char* end = nullptr;
        const long v = std::strtol(o.values[0].value.string, &end, 10);
        if (end != nullptr && *end == '\0' && v >= 1 && v <= 65535) {
          c.port = static_cast<int>(v);
        } else {
          problem = "expects a port number from 1 to 65535";
        }
      } else if (!(problem = read_whole_number(o, 1, 65535, number))) {
        c.port = static_cast<int>(number);
      }
    } else if (key_is(o, "User")) {
      problem = read_string(o, c.user);
    } else if (key_is(o, "Password")) {
      problem = read_string(o, c.password);
    } else if (key_is(o, "ClientId")) {
      problem = read_string(o, c.client_id);
    } else if (key_is(o, "CACert")) {
      problem = read_file_name(o, c.ca_cert);
    } else if (key_is(o, "CertificateFile")) {
      problem = read_file_name(o, c.certificate_file);
    } else if (key_is(o, "CertificateKeyFile")) {
      problem = read_file_name(o, c.certificate_key_file);
    } else if (key_is(o, "TLSProtocol")) {
      problem = read_string(o, c.tls_protocol);
    } else if (key_is(o, "Prefix")) {
      problem = read_topic_part(o, c.prefix, /*may_be_empty=*/true);
    } else if (key_is(o, "DiscoveryPrefix")) {
      problem = read_topic_part(o, c.discovery_prefix, /*may_be_empty=*/false);
    } else if (key_is(o, "ExpireAfter")) {
      if (!(problem = read_whole_number(o, 0, 86400, number)))
        c.expire_after = std::chrono::seconds(static_cast<long>(number));
    } else if (key_is(o, "KeepAlive")) {
      if (!(problem = read_whole_number(o, 5, 3600, number)))
        c.keep_alive = std::chrono::seconds(static_cast<long>(number));
    } else {
      problem =
          "unknown option (Host, Port, User, Password, ClientId, CACert, CertificateFile, "
          "CertificateKeyFile, TLSProtocol, Prefix, DiscoveryPrefix, ExpireAfter, KeepAlive)";
    }
    if (problem) return std::string(o.key ? o.key : "") + ": " + *problem;
  }
  // The same rules as collectd's mqtt plugin: a client certificate needs its key and a CA.
  if (c.certificate_file.empty() != c.certificate_key_file.empty())
    return std::string("CertificateFile and CertificateKeyFile go together");
  if (!c.certificate_file.empty() && c.ca_cert.empty())
    return std::string("CertificateFile: needs CACert (which turns TLS on)");
  if (!c.tls_protocol.empty() && c.ca_cert.empty())
    return std::string("TLSProtocol: needs CACert (which turns TLS on)");
  if (!c.password.empty() && c.user.empty()) return std::string("Password: needs User");
  return std::nullopt;
}

}  // namespace

bool is_ha_block(const oconfig_item_t& item) { return key_is(item, "HomeAssistant"); }

std::optional<std::string> parse_ha_blocks(const oconfig_item_t& plugin_block,
                                           std::optional<HaConfig>& config) {
  for (int i = 0; i < plugin_block.children_num; ++i) {
    const oconfig_item_t& c = plugin_block.children[i];
    if (!is_ha_block(c)) continue;
    if (config) return std::string("HomeAssistant: only one such block (one broker)");
    HaConfig parsed;
    if (auto problem = parse_block(c, parsed)) return "HomeAssistant: " + *problem;
    config = std::move(parsed);
  }
  return std::nullopt;
}

}  // namespace intergas
