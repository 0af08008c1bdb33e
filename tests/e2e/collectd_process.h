// A real `collectd -f` with the intergas plugin, write_prometheus on a loopback port and the csv
// writer, configured in a temporary directory. Test-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.h"
#include "scrape.h"

namespace intergas::test {

struct CollectdOptions {
  std::string plugin_dir;  // the build's plugin/ folder (holds intergas.so)
  std::string types_db;    // plugin/intergas.types.db
  std::string work_dir;    // a fresh folder for the config, csv files and the log
  double interval_seconds = 1;
  std::string boilers_config;  // the <Boiler> blocks, verbatim
  // Lines written after the stock writers and before PluginDir, so that stock plugins
  // (threshold, exec, load, ...) load from collectd's own directory.
  std::string extra_config;
  // false: a stock collectd for comparison (no PluginDir, no intergas plugin, no intergas types).
  bool load_intergas = true;
  // false: no csv writer (for runs with many boilers, where it would write a file per series).
  bool csv = true;
};

class CollectdProcess {
 public:
  explicit CollectdProcess(CollectdOptions o);
  // Writes the config and starts collectd; false if it did not come up (see log()).
  bool start();
  // Scrapes write_prometheus; empty on failure.
  std::string scrape();
  std::vector<Sample> samples() { return parse_exposition(scrape()); }
  int port() const { return port_; }
  std::string log();
  Process& process() { return *process_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& csv_dir() const { return csv_dir_; }

  // The full config text for `boilers_config` (also used for the config-error tests).
  static std::string config_text(const CollectdOptions& o, int port, const std::string& csv_dir,
                                 const std::string& log_file);

 private:
  CollectdOptions options_;
  int port_ = 0;
  std::string config_path_, csv_dir_, log_path_;
  std::unique_ptr<Process> process_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
std::string make_temp_dir(const std::string& stem);
// Removes a test's folder when the running test has not failed; keeps a failed test's (config,
// collectd.log, csv) and says where. Call from TearDown, after the test's processes ended.
void remove_temp_dir_unless_failed(const std::string& dir);

}  // namespace intergas::test
