#pragma once
// The interop harness: options, a pass/fail tally that prints the closing "N passed, M failed"
// line, and the Node peers (tests/interop/peers/*.mjs) run in batch mode, one process per batch.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cbx/base/result.h"

namespace cbx::interop {

struct Options {
  std::filesystem::path peers_dir;  // tests/interop/peers (node_modules sits beside it)
  std::string cli;                  // the cipherbox-republish binary
  int cases = 600;                  // library-level randomized cases
  int cli_cases = 60;               // cases that go through the CLI binary (one process each)
  std::uint64_t seed = 0;           // RNG seed (printed, so a failure can be replayed)
};

class Tally {
 public:
  // Records one case; the first failures are printed with `what` and `detail`.
  void check(bool ok, const std::string& what, const std::string& detail = "");
  int passed() const { return passed_; }
  int failed() const { return failed_; }
  // Prints "N passed, M failed" and returns the exit code (0 only with no failure and at least
  // `minimum` cases).
  int finish(int minimum) const;

 private:
  int passed_ = 0;
  int failed_ = 0;
};

// A Node peer in batch mode: one JSON request per line in, one JSON result per line out.
// Error when node or node_modules is missing, the peer exits non-zero or answers a wrong count.
Result<std::vector<nlohmann::json>> run_peer(const Options& options, const std::string& script,
                                             const std::vector<nlohmann::json>& requests,
                                             const std::vector<std::string>& extra_args = {});

// Same as run_peer for a single request.
Result<nlohmann::json> run_peer_once(const Options& options, const std::string& script,
                                     const nlohmann::json& request);

using Rng = std::mt19937_64;

}  // namespace cbx::interop
