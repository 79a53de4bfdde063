// EpochKeyCache: bounded, least recently used epoch evicted (never a refusal), evicted keys freed
// (their destructor wipes them) once no request holds them, and derived again on demand.
#include "signer/epoch_key_cache.h"

#include <gtest/gtest.h>

#include <map>

#include "cbx/crypto/secp256k1.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

// The simulator, counting derivations per epoch.
class CountingProvider : public KeyProvider {
 public:
  CountingProvider() {
    auto seed = unhex(kSimulatorSeedHex);
    sim_ = SimulatorKeyProvider::create(SecretBytes(seed.data(), seed.size())).value();
  }
  Result<SecretBytes> derive_epoch_key(std::uint64_t epoch) override {
    ++derived[epoch];
    return sim_->derive_epoch_key(epoch);
  }
  Result<AttestationQuote> quote(const epoch::ReportData& rd) override { return sim_->quote(rd); }
  Result<ProviderInfo> info() override { return sim_->info(); }
  bool simulated() const override { return true; }

  std::map<std::uint64_t, int> derived;

 private:
  std::unique_ptr<SimulatorKeyProvider> sim_;
};

TEST(EpochKeyCacheTest, AnEpochBeyondTheCapEvictsTheLeastRecentlyUsedInsteadOfBeingRefused) {
  CountingProvider provider;
  EpochKeyCache cache(provider, 4);
  for (std::uint64_t e = 1; e <= 4; ++e) ASSERT_TRUE(cache.get(e));
  ASSERT_TRUE(cache.get(1));  // 1 is now the most recently used; 2 the least
  auto fifth = cache.get(5);
  ASSERT_TRUE(fifth) << fifth.error().code;
  EXPECT_EQ((*fifth)->epoch, 5u);
  EXPECT_EQ(cache.size(), 4u);
  EXPECT_EQ(cache.evictions(), 1u);

  ASSERT_TRUE(cache.get(1));
  EXPECT_EQ(provider.derived[1], 1) << "the recently used epoch was kept";
  auto again = cache.get(2);
  ASSERT_TRUE(again);
  EXPECT_EQ(provider.derived[2], 2) << "the evicted epoch is derived again";
  EXPECT_EQ((*again)->public_key,
            secp256k1::public_key(provider.derive_epoch_key(2).value(), false).value());
}

TEST(EpochKeyCacheTest, AnEvictedKeyIsFreedOnceTheLastRequestHoldingItDropsIt) {
  CountingProvider provider;
  EpochKeyCache cache(provider, 1);
  auto held = cache.get(7).value();
  std::weak_ptr<const EpochKey> weak = held;
  ASSERT_TRUE(cache.get(8));  // evicts 7 while a request still holds it
  EXPECT_FALSE(weak.expired());
  EXPECT_EQ(held->private_key.size(), 32u);  // still usable by that request
  held.reset();
  EXPECT_TRUE(weak.expired()) << "the evicted key must be destroyed (and wiped), not kept";
}

TEST(EpochKeyCacheTest, TheSignerServesMoreDistinctEpochsThanItCaches) {
  SignerHarness signer;
  for (std::uint64_t e = 1; e <= 70; ++e) {
    auto r = signer.get("/v1/epochs/" + std::to_string(e) + "/public-key");
    ASSERT_EQ(r.status, 200u) << "epoch " << e << ": " << r.raw;
  }
  auto r = signer.get("/v1/epochs/1/public-key");
  EXPECT_EQ(r.status, 200u) << r.raw;
}

}  // namespace
}  // namespace cbx::signer::test
