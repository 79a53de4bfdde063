#include "api/v1alpha1/tee_epoch.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cbx::op
