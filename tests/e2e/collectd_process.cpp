#include "collectd_process.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace intergas::test {

using std::chrono::milliseconds;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string make_temp_dir(const std::string& stem) {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/intergas-" + stem + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return {};
  return buf.data();
}

void remove_temp_dir_unless_failed(const std::string& dir) {
  if (dir.empty()) return;
  if (::testing::Test::HasFailure()) {
    std::printf("kept %s for a look\n", dir.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

CollectdProcess::CollectdProcess(CollectdOptions o) : options_(std::move(o)) {}

std::string CollectdProcess::config_text(const CollectdOptions& o, int port,
                                         const std::string& csv_dir, const std::string& log_file) {
  std::ostringstream c;
  c << "Hostname \"e2e-host\"\n"
    << "FQDNLookup false\n"
    << "BaseDir \"" << o.work_dir << "\"\n"
    << "Interval " << o.interval_seconds << "\n"
    << "TypesDB \"/usr/share/collectd/types.db\""
    << (o.load_intergas ? " \"" + o.types_db + "\"" : std::string()) << "\n"
    << "LoadPlugin logfile\n"
    << "<Plugin logfile>\n  LogLevel info\n  File \"" << log_file
    << "\"\n  Timestamp true\n  PrintSeverity true\n"
    << "</Plugin>\n"
    << "LoadPlugin write_prometheus\n"
    << "<Plugin write_prometheus>\n  Host \"127.0.0.1\"\n  Port \"" << port << "\"\n</Plugin>\n"
    << (o.csv ? "LoadPlugin csv\n<Plugin csv>\n  DataDir \"" + csv_dir +
                    "\"\n  StoreRates false\n</Plugin>\n"
              : std::string())
    << o.extra_config;
  if (!o.load_intergas) return c.str();
  // collectd refuses symlinked or absolute-path plugins: point PluginDir at the build after
  // the stock plugins are loaded (collectd-notes.md).
  c << "PluginDir \"" << o.plugin_dir << "\"\n"
    << "LoadPlugin intergas\n"
    << "<Plugin intergas>\n"
    << o.boilers_config << "</Plugin>\n";
  return c.str();
}

bool CollectdProcess::start() {
  port_ = free_tcp_port();
  csv_dir_ = options_.work_dir + "/csv";
  log_path_ = options_.work_dir + "/collectd.log";
  config_path_ = options_.work_dir + "/collectd.conf";
  write_file(config_path_, config_text(options_, port_, csv_dir_, log_path_));
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/sbin/collectd", "-f", "-C", config_path_});
  return eventually(
             [&] { return !process_->running() || http_get(port_, "/metrics", milliseconds(500)); },
             milliseconds(15000)) &&
         process_->running();
}

std::string CollectdProcess::scrape() {
  auto body = http_get(port_, "/metrics", milliseconds(3000));
  return body ? *body : std::string();
}

std::string CollectdProcess::log() {
  return read_file(log_path_) + (process_ ? process_->stderr_text() : std::string());
}

}  // namespace intergas::test
