#include "api/v1alpha1/tee_epoch.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

SysTime at(const char* t) {
  return *parse_rfc3339(t);
}

TEST(TeeEpochParseTest, ReadsSpecAndRoundTripsStatus) {
  nlohmann::json obj = {
      {"metadata", {{"name", "epoch-1"}, {"generation", 2}, {"resourceVersion", "7"}}},
      {"spec",
       {{"epoch", 1},
        {"signer",
         {{"url", "http://127.0.0.1:9"},
          {"authSecretRef", {{"name", "signer-token"}}},
          {"insecureSimulator", true}}},
        {"gracePeriod", "2h"},
        {"rotateAfter", "24h"}}}};
  auto e = parse_tee_epoch(obj);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->spec.signer.auth_secret_key, "token");
  EXPECT_EQ(e->spec.grace_period, 2h);
  EXPECT_EQ(e->spec.rotate_after, Nanos{24h});
  e->status.phase = phase::kActive;
  e->status.public_key = "04ab";
  e->status.activated_at = at("2026-06-01T00:00:00Z");
  obj["status"] = tee_epoch_status_to_json(e->status);
  auto again = parse_tee_epoch(obj);
  EXPECT_EQ(tee_epoch_status_to_json(again->status), obj["status"]);
  obj["spec"]["epoch"] = 0;
  EXPECT_EQ(parse_tee_epoch(obj).error().code, "INVALID_SPEC");
}

nlohmann::json valid_epoch() {
  return {{"metadata", {{"name", "epoch-1"}, {"generation", 2}, {"resourceVersion", "7"}}},
          {"spec",
           {{"epoch", 1},
            {"signer",
             {{"url", "http://127.0.0.1:9"},
              {"authSecretRef", {{"name", "signer-token"}, {"key", "token"}}},
              {"caBundle", "PEM"},
              {"composeHash", "aa"},
              {"appId", "bb"},
              {"acceptedTcbStatuses", {"UpToDate"}},
              {"insecureSimulator", true}}},
            {"gracePeriod", "2h"},
            {"rotateAfter", "24h"},
            {"approval", "c2ln"}}}};
}

// A hostile or broken object (wrong types at every field, nested nulls) is an error naming the
// field, never an exception (the old reader threw on insecureSimulator, generation, status
// booleans and counts of the wrong type).
TEST(TeeEpochParseTest, WrongTypesAreErrorsNamingTheFieldNeverExceptions) {
  ASSERT_TRUE(parse_tee_epoch(valid_epoch()));
  const std::vector<std::pair<nlohmann::json::json_pointer, std::string>> fields = {
      {"/spec/epoch"_json_pointer, "spec.epoch"},
      {"/spec/signer"_json_pointer, "spec.signer"},
      {"/spec/signer/url"_json_pointer, "spec.signer.url"},
      {"/spec/signer/authSecretRef"_json_pointer, "spec.signer.authSecretRef"},
      {"/spec/signer/authSecretRef/name"_json_pointer, "spec.signer.authSecretRef.name"},
      {"/spec/signer/authSecretRef/key"_json_pointer, "spec.signer.authSecretRef.key"},
      {"/spec/signer/caBundle"_json_pointer, "spec.signer.caBundle"},
      {"/spec/signer/composeHash"_json_pointer, "spec.signer.composeHash"},
      {"/spec/signer/appId"_json_pointer, "spec.signer.appId"},
      {"/spec/signer/acceptedTcbStatuses"_json_pointer, "spec.signer.acceptedTcbStatuses"},
      {"/spec/signer/insecureSimulator"_json_pointer, "spec.signer.insecureSimulator"},
      {"/spec/gracePeriod"_json_pointer, "spec.gracePeriod"},
      {"/spec/rotateAfter"_json_pointer, "spec.rotateAfter"},
      {"/spec/approval"_json_pointer, "spec.approval"},
      {"/metadata/generation"_json_pointer, "metadata.generation"},
  };
  const std::vector<nlohmann::json> wrong = {
      nlohmann::json::object(), nlohmann::json::array(), 1.5, -3, "x", true};
  for (const auto& [pointer, path] : fields) {
    for (const auto& value : wrong) {
      auto obj = valid_epoch();
      obj[pointer] = value;
      Result<TeeEpoch> parsed = make_error("UNSET", "");
      ASSERT_NO_THROW(parsed = parse_tee_epoch(obj)) << path << " = " << value.dump();
      if (parsed) continue;  // a value of the right type after all ("x" for a string field)
      EXPECT_NE(parsed.error().message.find(path), std::string::npos)
          << path << " = " << value.dump() << ": " << parsed.error().message;
    }
  }
  auto entry = valid_epoch();
  entry["spec"]["signer"]["acceptedTcbStatuses"] = {"UpToDate", 3};
  EXPECT_EQ(parse_tee_epoch(entry).error().message,
            "spec.signer.acceptedTcbStatuses[1]: expected a string");
}

TEST(TeeEpochParseTest, AStatusOfWrongTypesReadsAsAbsentWithoutThrowing) {
  auto obj = valid_epoch();
  obj["status"] = {{"phase", 3},
                   {"signer", {{"url", 1}, {"simulated", "yes"}}},
                   {"attestation", {{"verified", "yes"}, {"advisoryIds", {1, nullptr}}}},
                   {"entries", "many"},
                   {"safeToDecommission", "no"},
                   {"observedGeneration", 1.5},
                   {"conditions", {{{"type", 1}, {"reason", {1}}, {"observedGeneration", "x"}}}}};
  Result<TeeEpoch> parsed = make_error("UNSET", "");
  ASSERT_NO_THROW(parsed = parse_tee_epoch(obj));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->status.phase, "");
  EXPECT_EQ(parsed->status.entries, 0);
  EXPECT_FALSE(parsed->status.safe_to_decommission);
  ASSERT_TRUE(parsed->status.attestation);
  EXPECT_FALSE(parsed->status.attestation->verified);
  EXPECT_TRUE(parsed->status.attestation->advisory_ids.empty());
  ASSERT_EQ(parsed->status.conditions.size(), 1u);
  EXPECT_EQ(parsed->status.conditions[0].type, "");
}

}  // namespace
}  // namespace cbx::op
