#pragma once
// Helpers for the CLI tests: run the built cipherbox-republish binary, make seed files, read
// the reference vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cbx/base/encoding.h"
#include "run_process.h"

namespace cbx::testing {

inline ProcessResult run_cli(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), cli_binary());
  return run_process(args, input);
}

inline nlohmann::json load_vectors(const std::string& file) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/" + file);
  return nlohmann::json::parse(in);
}

inline std::string write_file(const TempDir& dir, const std::string& name,
                              const std::string& content) {
  const auto path = dir / name;
  write_whole_file(path, content);
  return path.string();
}

// A seed file with the raw 32 bytes of `seed_hex`.
inline std::string raw_seed_file(const TempDir& dir, const std::string& seed_hex,
                                 const std::string& name = "seed") {
  const Bytes seed = hex_decode(seed_hex).value();
  return write_file(dir, name, to_string(seed));
}

inline std::string trim_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

inline long line_count(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

// Bad arguments: nothing on stdout, exactly one line on stderr, exit 2.
inline ::testing::AssertionResult IsUsageError(const ProcessResult& r) {
  if (r.exit_code != 2 || !r.out.empty() || line_count(r.err) != 1 ||
      !r.err.starts_with("cipherbox-republish: ")) {
    return ::testing::AssertionFailure()
           << "exit " << r.exit_code << ", stdout \"" << r.out << "\", stderr \"" << r.err << "\"";
  }
  return ::testing::AssertionSuccess();
}
#define EXPECT_USAGE_ERROR(result) EXPECT_TRUE(::cbx::testing::IsUsageError(result))

}  // namespace cbx::testing
