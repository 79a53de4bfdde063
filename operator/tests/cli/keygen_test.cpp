#include <sys/stat.h>

#include "cbx/crypto/ed25519.h"
#include "cbx/ipns/name.h"
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

std::string name_of_seed_file(const std::filesystem::path& path) {
  const std::string seed = read_whole_file(path);
  const auto key = ed25519::key_pair_from_seed(as_bytes(seed));
  return ipns::name_from_ed25519(key->public_key).text();
}

TEST(Keygen, WritesA32ByteSeedWithMode0600AndPrintsItsName) {
  TempDir dir;
  const auto path = dir / "folder.key";
  const auto result = run_cli({"keygen", "--out", path.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(result.out, name_of_seed_file(path) + "\n");
  EXPECT_TRUE(result.out.starts_with("k51qzi5uqu5d"));
  EXPECT_EQ(result.err, "");
}

TEST(Keygen, NeverPrintsTheSeed) {
  TempDir dir;
  const auto path = dir / "folder.key";
  const auto result = run_cli({"keygen", "--out", path.string()});
  ASSERT_EQ(result.exit_code, 0);
  const std::string seed = read_whole_file(path);
  for (const std::string& form : {hex_encode(as_bytes(seed)), base64_encode(as_bytes(seed))}) {
    EXPECT_EQ(result.out.find(form), std::string::npos);
    EXPECT_EQ(result.err.find(form), std::string::npos);
  }
}

TEST(Keygen, TwoRunsGiveDifferentKeys) {
  TempDir dir;
  const auto a = run_cli({"keygen", "--out", (dir / "a").string()});
  const auto b = run_cli({"keygen", "--out", (dir / "b").string()});
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  EXPECT_NE(a.out, b.out);
}

TEST(Keygen, RefusesToOverwriteAnExistingFile) {
  TempDir dir;
  const std::string path = write_file(dir, "existing", "keep me");
  EXPECT_USAGE_ERROR(run_cli({"keygen", "--out", path}));
  EXPECT_EQ(read_whole_file(path), "keep me");
}

TEST(Keygen, ForceOverwritesAndResetsTheMode) {
  TempDir dir;
  const std::string path = write_file(dir, "existing", "old content");
  ::chmod(path.c_str(), 0644);
  const auto result = run_cli({"keygen", "--out", path, "--force"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(result.out, name_of_seed_file(path) + "\n");
}

TEST(Keygen, UnwritableDirectoryFailsWithOneLine) {
  const auto result = run_cli({"keygen", "--out", "/nonexistent-dir/seed"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(line_count(result.err), 1);
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace cbx::testing
