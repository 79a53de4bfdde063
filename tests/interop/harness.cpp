#include "harness.h"

#include <iostream>
#include <sstream>

#include "run_process.h"

namespace cbx::interop {
namespace {

constexpr int kFailuresShown = 10;

Status check_node_modules(const Options& options) {
  const auto modules = options.peers_dir.parent_path() / "node_modules";
  if (!std::filesystem::is_directory(modules / "ipns") ||
      !std::filesystem::is_directory(modules / "eciesjs")) {
    return make_error("NO_NODE_MODULES", modules.string() +
                                             " is missing or incomplete: run hack/install-deps.sh "
                                             "(npm ci in tests/interop)");
  }
  return ok_status();
}

}  // namespace

void Tally::check(bool ok, const std::string& what, const std::string& detail) {
  if (ok) {
    ++passed_;
    return;
  }
  if (++failed_ <= kFailuresShown) {
    std::cout << "FAIL " << what << (detail.empty() ? "" : ": " + detail) << '\n';
  }
}

int Tally::finish(int minimum) const {
  if (failed_ > kFailuresShown) std::cout << "(" << failed_ - kFailuresShown << " more failures)\n";
  if (passed_ + failed_ < minimum) {
    std::cout << "only " << passed_ + failed_ << " cases ran, want at least " << minimum << '\n';
  }
  std::cout << passed_ << " passed, " << failed_ << " failed" << std::endl;
  return failed_ == 0 && passed_ >= minimum ? 0 : 1;
}

Result<std::vector<nlohmann::json>> run_peer(const Options& options, const std::string& script,
                                             const std::vector<nlohmann::json>& requests,
                                             const std::vector<std::string>& extra_args) {
  CBX_TRY_STATUS(check_node_modules(options));
  std::string input;
  for (const auto& request : requests) input += request.dump() + '\n';
  std::vector<std::string> argv = {"node", (options.peers_dir / script).string(), "--batch"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const auto result = testing::run_process(argv, input);
  if (result.exit_code != 0) {
    return make_error("PEER_FAILED",
                      script + " exited " + std::to_string(result.exit_code) + ": " + result.err);
  }
  std::vector<nlohmann::json> answers;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) answers.push_back(nlohmann::json::parse(line));
  }
  if (answers.size() != requests.size()) {
    return make_error("PEER_FAILED", script + " answered " + std::to_string(answers.size()) +
                                         " lines for " + std::to_string(requests.size()) +
                                         " requests: " + result.err);
  }
  return answers;
}

Result<nlohmann::json> run_peer_once(const Options& options, const std::string& script,
                                     const nlohmann::json& request) {
  auto answers = run_peer(options, script, {request});
  if (!answers) return answers.error();
  return answers->front();
}

}  // namespace cbx::interop
