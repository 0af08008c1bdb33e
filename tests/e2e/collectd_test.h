// A GoogleTest fixture for tests against a real collectd: a fresh folder per test, and the
// simulator and collectd started in it with the build's plugin and types file. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "collectd_process.h"
#include "sim_process.h"

namespace intergas::test {

class CollectdTest : public ::testing::Test {
 protected:
  explicit CollectdTest(std::string stem = "e2e") : stem_(std::move(stem)) {}

  void SetUp() override {
    dir_ = make_temp_dir(stem_);
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { remove_temp_dir_unless_failed(dir_); }
  std::unique_ptr<SimProcess> start_sim(std::vector<std::string> args) {
    auto sim = std::make_unique<SimProcess>(INTERGAS_SIM_BINARY, std::move(args));
    EXPECT_TRUE(sim->ok()) << sim->log();
    return sim;
  }
  std::unique_ptr<CollectdProcess> start_collectd(const std::string& boilers, double interval = 1) {
    CollectdOptions o;
    o.plugin_dir = INTERGAS_PLUGIN_DIR;
    o.types_db = INTERGAS_TYPES_DB;
    o.work_dir = dir_;
    o.interval_seconds = interval;
    o.boilers_config = boilers;
    auto c = std::make_unique<CollectdProcess>(o);
    EXPECT_TRUE(c->start()) << c->log();
    return c;
  }

  std::string dir_;

 private:
  std::string stem_;
};

}  // namespace intergas::test
