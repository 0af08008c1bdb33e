// HTTP GET on loopback and a parser for the Prometheus text exposition format, for e2e tests.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace intergas::test {

// GET http://127.0.0.1:port/path; the body on HTTP 200, nullopt otherwise.
std::optional<std::string> http_get(int port, const std::string& path,
                                    std::chrono::milliseconds timeout);

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses every sample line (comments skipped). Malformed lines are returned in `errors`.
std::vector<Sample> parse_exposition(const std::string& text,
                                     std::vector<std::string>* errors = nullptr);

// The samples named `name` whose labels include every pair of `match`.
std::vector<Sample> find_samples(const std::vector<Sample>& all, const std::string& name,
                                 const std::map<std::string, std::string>& match = {});

}  // namespace intergas::test
