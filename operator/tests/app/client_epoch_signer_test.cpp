// The epoch signer adapter's translation between the reconciler's domain types and the signer
// API's wire types: every field lands where it belongs (the wire types are filled positionally,
// so a swapped pair of strings would otherwise go unnoticed), and the signer's self-reported
// identity does not reach the reconciler.
#include "app/client_epoch_signer.h"

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

TEST(ClientEpochSignerTest, KeyAnswerKeepsWhatIsVerifiedAndDropsSelfReportedIdentity) {
  EpochPublicKey wire{7, "04ab", "rd", "quote", "[log]", "claimed-hash", "claimed-app", true};
  EpochKeyAnswer answer = from_wire(wire);
  EXPECT_EQ(answer.epoch, 7u);
  EXPECT_EQ(answer.public_key_hex, "04ab");
  EXPECT_EQ(answer.quote_hex, "quote");
  EXPECT_EQ(answer.event_log, "[log]");
  EXPECT_TRUE(answer.simulated);
}

TEST(ClientEpochSignerTest, RewrapRequestAndDestinationToWire) {
  RewrapEntry entry = to_wire(RewrapRequest{"ns/a", "k51name", EncryptedKeyRef{3, "c2VhbGVk"}});
  EXPECT_EQ(entry.id, "ns/a");
  EXPECT_EQ(entry.ipns_name, "k51name");
  EXPECT_EQ(entry.encrypted_key, "c2VhbGVk");
  EXPECT_EQ(entry.key_epoch, 3u);

  RewrapTarget target =
      to_wire(RewrapDestination{4, "04pk", "hash", "approval", "quote", "[log]", "nonce", "{}"});
  EXPECT_EQ(target.epoch, 4u);
  EXPECT_EQ(target.public_key_hex, "04pk");
  EXPECT_EQ(target.compose_hash_hex, "hash");
  EXPECT_EQ(target.approval, "approval");
  EXPECT_EQ(target.quote_hex, "quote");
  EXPECT_EQ(target.event_log, "[log]");
  EXPECT_EQ(target.nonce_hex, "nonce");
  EXPECT_EQ(target.collateral_json, "{}");
}

TEST(ClientEpochSignerTest, RewrapResultAndVerdictFromWire) {
  RewrapOutcome ok = from_wire(RewrapResult{"ns/a", true, 4, "bmV3", "", ""});
  EXPECT_EQ(ok.id, "ns/a");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.key.epoch, 4u);
  EXPECT_EQ(ok.key.encrypted_key, "bmV3");

  RewrapOutcome refused =
      from_wire(RewrapResult{"ns/b", false, 0, "", "DECRYPT_FAILED", "not this signer's"});
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error_code, "DECRYPT_FAILED");
  EXPECT_EQ(refused.error_message, "not this signer's");

  ExternalQuoteVerdict vetoed = from_wire(QuoteVerdict{false, "TCB out of date"});
  EXPECT_FALSE(vetoed.verified);
  EXPECT_EQ(vetoed.reason, "TCB out of date");
  EXPECT_TRUE(from_wire(QuoteVerdict{true, ""}).verified);
}

}  // namespace
}  // namespace cbx::op
