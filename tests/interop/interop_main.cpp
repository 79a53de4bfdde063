// cbx_interop SUITE --peers DIR [--cli BINARY] [--cases N] [--cli-cases N] [--seed S]
// Runs one interop suite against the real npm packages and prints "N passed, M failed".
// The seed is printed first; CBX_INTEROP_SEED or --seed replays a run.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>

#include "suites.h"

namespace {

using Suite = void (*)(const cbx::interop::Options&, cbx::interop::Rng&, cbx::interop::Tally&);

const std::map<std::string, Suite>& suites() {
  static const std::map<std::string, Suite> all = {
      {"ipns-cpp-to-js", cbx::interop::ipns_cpp_to_js},
      {"ipns-js-to-cpp", cbx::interop::ipns_js_to_cpp},
      {"ipns-byte-identical", cbx::interop::ipns_byte_identical},
      {"ipns-differential", cbx::interop::ipns_differential},
      {"ecies-js-to-cpp", cbx::interop::ecies_js_to_cpp},
      {"ecies-cpp-to-js", cbx::interop::ecies_cpp_to_js},
      {"peers-reproduce-vectors", cbx::interop::peers_reproduce_vectors},
      {"dcap-parity", cbx::interop::dcap_parity}};
  return all;
}

int usage() {
  std::cerr << "usage: cbx_interop SUITE --peers DIR [--cli BINARY] [--cases N] [--cli-cases N] "
               "[--seed S]\nsuites:";
  for (const auto& [name, suite] : suites()) std::cerr << ' ' << name;
  std::cerr << '\n';
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !suites().contains(argv[1])) return usage();
  cbx::interop::Options options;
  options.seed = std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
  if (const char* env = std::getenv("CBX_INTEROP_SEED"); env && *env) {
    options.seed = std::strtoull(env, nullptr, 10);
  }
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--peers")
      options.peers_dir = value;
    else if (flag == "--cli")
      options.cli = value;
    else if (flag == "--cases")
      options.cases = std::stoi(value);
    else if (flag == "--cli-cases")
      options.cli_cases = std::stoi(value);
    else if (flag == "--seed")
      options.seed = std::stoull(value);
    else
      return usage();
  }
  if (options.peers_dir.empty()) return usage();
  const bool randomized = std::string(argv[1]) != "peers-reproduce-vectors";
  if (randomized) {
    std::cout << argv[1] << ": seed " << options.seed
              << " (replay: CBX_INTEROP_SEED=" << options.seed << "), " << options.cases << " cases"
              << std::endl;
  }
  cbx::interop::Rng rng(options.seed);
  cbx::interop::Tally tally;
  suites().at(argv[1])(options, rng, tally);
  // At least 500 cases must have run (a few may be set aside, e.g. irregular protobuf framing
  // in ipns-differential); fewer on purpose-made small runs.
  if (!randomized) return tally.finish(1);
  return tally.finish(std::min(options.cases - options.cases / 20, 500));
}
