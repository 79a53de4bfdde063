// Bad arguments of every command: exit 2, one line on stderr, nothing on stdout, and never the
// content of a seed file.
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

constexpr const char* kSeedHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kValue = "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
constexpr const char* kName = "k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260";
constexpr const char* kPublicKey =
    "04f0063b70cde6bbbb651b36c3149c64beeafd1878e3677d4204c27d0c9f159fcd6eb8ddba9c7e06c556b860b682"
    "19efc723b1e3f093e8a64f9b815d77e0bca287";

class Arguments : public ::testing::Test {
 protected:
  TempDir dir;
  std::string seed = raw_seed_file(dir, kSeedHex);

  std::vector<std::string> make(std::vector<std::string> extra) {
    std::vector<std::string> args = {"record", "make", "--seed-file", seed, "--value", kValue};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

TEST_F(Arguments, MissingOrUnknownCommands) {
  EXPECT_USAGE_ERROR(run_cli({}));
  EXPECT_USAGE_ERROR(run_cli({"frobnicate"}));
  EXPECT_USAGE_ERROR(run_cli({"record"}));
  EXPECT_USAGE_ERROR(run_cli({"record", "frobnicate"}));
  EXPECT_USAGE_ERROR(run_cli({"--bogus"}));
}

TEST_F(Arguments, MissingRequiredFlags) {
  EXPECT_USAGE_ERROR(run_cli({"keygen"}));
  EXPECT_USAGE_ERROR(
      run_cli({"record", "make", "--value", kValue, "--sequence", "1", "--lifetime", "1h"}));
  EXPECT_USAGE_ERROR(run_cli(make({"--lifetime", "1h"})));            // no --sequence
  EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1"})));             // no validity
  EXPECT_USAGE_ERROR(run_cli({"record", "inspect"}, "x"));            // no --name
  EXPECT_USAGE_ERROR(run_cli({"seal", "--seed-file", seed}));         // no --public-key
  EXPECT_USAGE_ERROR(run_cli({"seal", "--public-key", kPublicKey}));  // no --seed-file
}

TEST_F(Arguments, UnknownFlagsAndExtraArguments) {
  EXPECT_USAGE_ERROR(run_cli({"keygen", "--out", (dir / "k").string(), "--bogus"}));
  EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1", "--lifetime", "1h", "--bogus", "x"})));
  EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1", "--lifetime", "1h", "extra"})));
  EXPECT_USAGE_ERROR(run_cli({"seal", "--public-key", kPublicKey, "--seed-file", seed, "x"}));
}

TEST_F(Arguments, BadDurations) {
  for (const char* bad : {"48", "4x", "-1h", "h", "1h30", "", "1.5.5h", "99999999999h"}) {
    EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1", "--lifetime", bad}))) << bad;
    EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1", "--lifetime", "1h", "--ttl", bad}))) << bad;
  }
}

TEST_F(Arguments, GoodDurations) {
  for (const char* good : {"48h", "90m", "1h30m", "300s", "1.5h", "0s"}) {
    const auto result = run_cli(make({"--sequence", "1", "--lifetime", good, "--ttl", good}));
    EXPECT_EQ(result.exit_code, 0) << good << ": " << result.err;
  }
}

TEST_F(Arguments, BadValidities) {
  for (const char* bad : {"2030-13-01T00:00:00Z", "2030-01-01", "tomorrow", "2030-01-01T25:00:00Z",
                          "2030-01-01T00:00:00", ""}) {
    EXPECT_USAGE_ERROR(run_cli(make({"--sequence", "1", "--validity", bad}))) << bad;
  }
  EXPECT_USAGE_ERROR(
      run_cli(make({"--sequence", "1", "--validity", "2030-01-01T00:00:00Z", "--lifetime", "1h"})));
}

// Refused before any connection is made: a Lease stores whole seconds, and a leader must give up
// before a follower may take over.
TEST_F(Arguments, RunLeaderElectionTiming) {
  auto run = [](std::vector<std::string> timing) {
    std::vector<std::string> args = {"run", "--routing", "http://127.0.0.1:9"};
    args.insert(args.end(), timing.begin(), timing.end());
    return run_cli(args);
  };
  EXPECT_USAGE_ERROR(run({"--leader-elect-lease-duration", "1500ms"}));
  EXPECT_USAGE_ERROR(run({"--leader-elect-lease-duration", "0s"}));
  EXPECT_USAGE_ERROR(run({"--leader-elect-lease-duration", "soon"}));
  EXPECT_USAGE_ERROR(run({"--leader-elect-lease-duration", "2s"}));  // renew deadline 10s
  EXPECT_USAGE_ERROR(run({"--leader-elect-lease-duration", "2s", "--leader-elect-renew-deadline",
                          "1s", "--leader-elect-retry-period", "1s"}));
  EXPECT_USAGE_ERROR(run({"--leader-elect-retry-period", "0s"}));
}

// A bad --shard is refused before any connection is made, with a message naming the flag.
TEST_F(Arguments, RunShard) {
  auto run = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", "--routing", "http://127.0.0.1:9"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  for (const char* bad : {"2/2", "-1/3", "0/0", "a/b", "1", "", "0/", "/2", "0/257", "1/1", " 0/2",
                          "0/2 ", "+0/2", "0x1/2", "00001/2", "0/2/3", "0//2"}) {
    auto result = run({"--shard", bad});
    EXPECT_USAGE_ERROR(result) << bad;
    EXPECT_NE(result.err.find("--shard"), std::string::npos) << bad << ": " << result.err;
  }
  EXPECT_USAGE_ERROR(run({"--shard", "1/2", "--leader-elect=false"}));
}

TEST_F(Arguments, BadSequences) {
  for (const char* bad : {"-1", "18446744073709551616", "1e3", "", " 1", "+1", "0x10", "1.0"}) {
    EXPECT_USAGE_ERROR(run_cli(make({"--sequence", bad, "--lifetime", "1h"}))) << bad;
  }
}

TEST_F(Arguments, BadValues) {
  for (const char* bad : {"", "/", "hello", "bafy-not-a-cid"}) {
    EXPECT_USAGE_ERROR(run_cli({"record", "make", "--seed-file", seed, "--value", bad, "--sequence",
                                "1", "--lifetime", "1h"}))
        << bad;
  }
}

TEST_F(Arguments, BadSeedFilesNeverShowTheirContent) {
  const std::string almost_hex = std::string(kSeedHex).substr(0, 62) + "zz";
  const std::vector<std::string> files = {
      write_file(dir, "short", std::string(31, 'k')),
      write_file(dir, "long", std::string(33, 'k')),
      write_file(dir, "hex-short", std::string(kSeedHex).substr(0, 63)),
      write_file(dir, "hex-bad", almost_hex),
      write_file(dir, "hex-two-newlines", std::string(kSeedHex) + "\n\n"),
      write_file(dir, "empty", ""),
      (dir / "missing").string()};
  for (const auto& file : files) {
    for (const auto& args :
         {std::vector<std::string>{"record", "make", "--seed-file", file, "--value", kValue,
                                   "--sequence", "1", "--lifetime", "1h"},
          std::vector<std::string>{"seal", "--public-key", kPublicKey, "--seed-file", file}}) {
      const auto result = run_cli(args);
      EXPECT_USAGE_ERROR(result) << file;
      EXPECT_NE(result.err.find(file), std::string::npos) << result.err;
      EXPECT_EQ(result.err.find("kkkk"), std::string::npos) << result.err;
      EXPECT_EQ(result.err.find(almost_hex.substr(0, 16)), std::string::npos) << result.err;
    }
  }
}

TEST_F(Arguments, BadNamesAndInputsForInspect) {
  EXPECT_USAGE_ERROR(run_cli({"record", "inspect", "--name", "not-a-name"}, "x"));
  EXPECT_USAGE_ERROR(run_cli({"record", "inspect", "--name", kName, "--at", "soon"}, "x"));
  EXPECT_USAGE_ERROR(run_cli({"record", "inspect", "--name", kName, (dir / "missing").string()}));
}

TEST_F(Arguments, HelpGoesToStdoutWithExitZero) {
  for (const auto& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"record", "make", "--help"},
        std::vector<std::string>{"seal", "--help"}}) {
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("Usage"), std::string::npos) << result.out;
    EXPECT_EQ(result.err, "");
  }
}

}  // namespace
}  // namespace cbx::testing
