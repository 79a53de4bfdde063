// status.migratedKey and status.keyEpoch have one owner (controllers/folder_key.h): every path
// that moves a folder's key (lazy re-encryption while signing, pre-rotation, ledger resumption)
// applies the same rule, so an older re-encryption never replaces a newer key.
#include "controllers/folder_key.h"

#include <gtest/gtest.h>

#include "controllers/ledger/ledger_resume.h"
#include "controllers/republish/status_transitions.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;

TEST(FolderKeyTest, ANewerKeyBecomesMigratedKeyAndKeyEpoch) {
  auto obj = folder(folder_key(1), kCidA);  // spec key on epoch 1
  auto st = obj.status;
  EXPECT_TRUE(adopt_migrated_key(obj.spec, st, {2, "bmV3"}));
  ASSERT_TRUE(st.migrated_key);
  EXPECT_EQ(st.migrated_key->epoch, 2u);
  EXPECT_EQ(st.migrated_key->encrypted_key, "bmV3");
  EXPECT_EQ(st.key_epoch, 2u);
}

TEST(FolderKeyTest, AKeyNotNewerThanTheOneInUseChangesNothing) {
  auto obj = folder(folder_key(1), kCidA);
  obj.spec.key_epoch = 3;
  auto st = obj.status;
  EXPECT_FALSE(adopt_migrated_key(obj.spec, st, {3, "c2FtZQ=="}));  // same epoch as spec
  EXPECT_FALSE(adopt_migrated_key(obj.spec, st, {2, "b2xk"}));      // older than spec
  EXPECT_FALSE(st.migrated_key);
  EXPECT_FALSE(st.key_epoch);
  ASSERT_TRUE(adopt_migrated_key(obj.spec, st, {5, "bmV3ZXI="}));
  EXPECT_FALSE(adopt_migrated_key(obj.spec, st, {4, "bGF0ZQ=="}));  // older than migratedKey
  EXPECT_EQ(st.migrated_key->epoch, 5u);
  EXPECT_EQ(st.key_epoch, 5u);
  EXPECT_FALSE(adopt_migrated_key(obj.spec, st, {6, ""}));  // no ciphertext
}

// Fails on the code before the single owner: store_signed wrote any re-encrypted key over a
// newer one taken meanwhile (e.g. by pre-rotation or from the ledger).
TEST(FolderKeyTest, ALateLazyReEncryptionKeepsTheNewerKey) {
  auto now = at("2026-06-01T00:00:00Z");
  auto k = folder_key(1);
  auto obj = folder(k, kCidA);
  obj.spec.owner_record = signed_record(k, "/ipfs/" + std::string(kCidA), 3);
  auto plan = *plan_signing(obj, std::nullopt, now);
  obj.status.migrated_key = EncryptedKeyRef{3, "ZXBvY2gz"};
  obj.status.key_epoch = 3;
  auto st = store_signed(obj, plan, {"UkVD", EncryptedKeyRef{2, "ZXBvY2gy"}}, now);
  EXPECT_EQ(st.migrated_key->epoch, 3u);
  EXPECT_EQ(st.migrated_key->encrypted_key, "ZXBvY2gz");
  EXPECT_EQ(st.key_epoch, 3u);
}

TEST(FolderKeyTest, ResumptionGoesThroughTheSameRule) {
  auto obj = folder(folder_key(1), kCidA);
  obj.spec.key_epoch = 4;
  Resumption r;
  r.key = EncryptedKeyRef{3, "b2xk"};
  auto st = apply_resumption(obj, r);
  EXPECT_FALSE(st.migrated_key);
  r.key = EncryptedKeyRef{5, "bmV3"};
  st = apply_resumption(obj, r);
  ASSERT_TRUE(st.migrated_key);
  EXPECT_EQ(st.key_epoch, 5u);
}

}  // namespace
}  // namespace cbx::op
