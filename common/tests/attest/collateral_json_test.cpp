#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest_fixtures.h"
#include "cbx/attest/collateral.h"
#include "cbx/attest/collateral_source.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

TEST(CollateralJson, SampleRoundTrips) {
  Collateral c = test::sample_collateral();
  EXPECT_EQ(c.tcb_info_signature.size(), 64u);
  EXPECT_GT(c.pck_crl.size(), 100u);
  auto again = parse_collateral_json(collateral_to_json(c));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tcb_info, c.tcb_info);
  EXPECT_EQ(again->pck_crl, c.pck_crl);
  EXPECT_EQ(again->qe_identity_signature, c.qe_identity_signature);
}

TEST(CollateralJson, ByteArraysAreAcceptedLikeDcapQvlProducesThem) {
  json doc = json::parse(test::read_vector("tdx_quote_collateral.json"));
  Collateral c = test::sample_collateral();
  doc["pck_crl"] = c.pck_crl;
  doc["tcb_info_signature"] = c.tcb_info_signature;
  auto parsed = parse_collateral_json(doc.dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->pck_crl, c.pck_crl);
}

TEST(CollateralJson, HostileFieldsAreRefused) {
  json base = json::parse(test::read_vector("tdx_quote_collateral.json"));
  for (const char* key :
       {"pck_crl_issuer_chain", "root_ca_crl", "pck_crl", "tcb_info_issuer_chain", "tcb_info",
        "tcb_info_signature", "qe_identity_issuer_chain", "qe_identity", "qe_identity_signature"}) {
    json doc = base;
    doc.erase(key);
    EXPECT_EQ(parse_collateral_json(doc.dump()).error().code, "BAD_COLLATERAL") << key;
    doc[key] = 42;
    EXPECT_FALSE(parse_collateral_json(doc.dump()).ok()) << key;
  }
  json doc = base;
  doc["pck_crl"] = "zz";
  EXPECT_FALSE(parse_collateral_json(doc.dump()).ok());
  doc["pck_crl"] = json::array({1, 256});
  EXPECT_FALSE(parse_collateral_json(doc.dump()).ok());
  doc["pck_crl"] = json::array({1, -1});
  EXPECT_FALSE(parse_collateral_json(doc.dump()).ok());
  EXPECT_FALSE(parse_collateral_json("null").ok());
  EXPECT_FALSE(parse_collateral_json("").ok());
}

TEST(CollateralJson, WindowIsTheIntersectionOfBothDocuments) {
  auto w = collateral_window(test::sample_collateral());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(format_rfc3339(w->issue_date), "2025-06-19T10:32:27Z");
  EXPECT_EQ(format_rfc3339(w->next_update), "2025-07-19T10:16:03Z");
}

TEST(RawJsonMember, ReturnsTheMemberTextExactlyAsWritten) {
  std::string body = R"( { "signature" : "ab", "tcbInfo":{"a": [1, {"b":"}\"{"}], "c":2.50} } )";
  EXPECT_EQ(raw_json_member(body, "tcbInfo"), R"({"a": [1, {"b":"}\"{"}], "c":2.50})");
  EXPECT_EQ(raw_json_member(body, "signature"), "\"ab\"");
  EXPECT_FALSE(raw_json_member(body, "missing").has_value());
  EXPECT_FALSE(raw_json_member("[1]", "tcbInfo").has_value());
  EXPECT_FALSE(raw_json_member(R"({"tcbInfo":)", "tcbInfo").has_value());
  EXPECT_EQ(raw_json_member(R"({"x":true,"tcbInfo":7})", "tcbInfo"), "7");
}

}  // namespace
}  // namespace cbx::attest
