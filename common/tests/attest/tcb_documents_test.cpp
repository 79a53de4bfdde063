#include "cbx/attest/tcb_documents.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest_fixtures.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

TEST(TcbStatusNames, RoundTripAndRefuseOtherSpellings) {
  for (auto s : {TcbStatus::UpToDate, TcbStatus::SWHardeningNeeded, TcbStatus::ConfigurationNeeded,
                 TcbStatus::ConfigurationAndSWHardeningNeeded, TcbStatus::OutOfDate,
                 TcbStatus::OutOfDateConfigurationNeeded, TcbStatus::Revoked}) {
    EXPECT_EQ(parse_tcb_status(to_string(s)), s);
  }
  EXPECT_FALSE(parse_tcb_status("uptodate").has_value());
  EXPECT_FALSE(parse_tcb_status("Unknown").has_value());
}

TEST(TcbStatusMerge, WorseStatusWinsAndAdvisoriesUnitePlatformFirst) {
  TcbLevelResult platform{TcbStatus::SWHardeningNeeded, {"A", "B"}};
  TcbLevelResult qe{TcbStatus::OutOfDate, {"B", "C"}};
  auto m = merge_tcb_results(platform, qe);
  EXPECT_EQ(m.status, TcbStatus::OutOfDate);
  EXPECT_EQ(m.advisory_ids, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(merge_tcb_results(qe, platform).status, TcbStatus::OutOfDate);
  EXPECT_EQ(merge_tcb_results({TcbStatus::Revoked, {}}, {TcbStatus::UpToDate, {}}).status,
            TcbStatus::Revoked);
  EXPECT_EQ(merge_tcb_results({TcbStatus::UpToDate, {}}, {TcbStatus::Unknown, {}}).status,
            TcbStatus::Unknown);
}

TEST(TcbInfoDocument, SampleParses) {
  auto info = parse_tcb_info(test::sample_collateral().tcb_info);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->id, "TDX");
  EXPECT_EQ(info->version, 3);
  EXPECT_EQ(info->fmspc, "B0C06F000000");
  ASSERT_FALSE(info->levels.empty());
  EXPECT_EQ(info->levels.front().sgx_components.size(), 16u);
  EXPECT_EQ(info->levels.front().tdx_components.size(), 16u);
  EXPECT_EQ(format_rfc3339(info->next_update), "2025-07-19T10:16:03Z");
}

TEST(TcbInfoDocument, HostileShapesAreErrorsNotExceptions) {
  json base = json::parse(test::sample_collateral().tcb_info);
  for (const char* key : {"id", "version", "issueDate", "nextUpdate", "fmspc", "tcbLevels"}) {
    json doc = base;
    doc.erase(key);
    EXPECT_EQ(parse_tcb_info(doc.dump()).error().code, "BAD_COLLATERAL") << key;
    doc[key] = json::array({1, 2});
    EXPECT_EQ(parse_tcb_info(doc.dump()).error().code, "BAD_COLLATERAL") << key;
  }
  json doc = base;
  doc["tcbLevels"][0]["tcb"]["sgxtcbcomponents"][0]["svn"] = "2";
  EXPECT_FALSE(parse_tcb_info(doc.dump()).ok());
  doc = base;
  doc["tcbLevels"][0]["advisoryIDs"] = json::array({7});
  EXPECT_FALSE(parse_tcb_info(doc.dump()).ok());
  doc = base;
  doc["issueDate"] = "yesterday";
  EXPECT_FALSE(parse_tcb_info(doc.dump()).ok());
  EXPECT_FALSE(parse_tcb_info("[]").ok());
  EXPECT_FALSE(parse_tcb_info("{").ok());
}

TEST(QeIdentityDocument, SampleParsesWithLittleEndianMiscselect) {
  auto qe = parse_qe_identity(test::sample_collateral().qe_identity);
  ASSERT_TRUE(qe.ok()) << qe.error().message;
  EXPECT_EQ(qe->id, "TD_QE");
  EXPECT_EQ(qe->misc_select_mask, 0xFFFFFFFFu);
  EXPECT_EQ(qe->attributes[0], 0x11);
  EXPECT_EQ(qe->attributes_mask[2], 0xFF);
  EXPECT_EQ(qe->isv_prod_id, 2);
  EXPECT_EQ(qe->mr_signer[0], 0xDC);
}

TEST(QeIdentityDocument, WrongLengthHexIsRefused) {
  json doc = json::parse(test::sample_collateral().qe_identity);
  doc["mrsigner"] = "DC9E";
  EXPECT_EQ(parse_qe_identity(doc.dump()).error().code, "BAD_COLLATERAL");
}

QeIdentity identity() {
  QeIdentity id;
  id.misc_select = 0x00000001;
  id.misc_select_mask = 0x0000000F;
  id.attributes = {0x11};
  id.attributes_mask = {0xFB};
  id.mr_signer.fill(0xAB);
  id.isv_prod_id = 2;
  id.levels = {{8, TcbStatus::UpToDate, {}}, {6, TcbStatus::OutOfDate, {"SA-1"}}};
  return id;
}

QeReport report() {
  QeReport r;
  r.misc_select = 0xF0000001;  // upper bits outside the mask
  r.attributes = {0x15};       // bit 2 outside the mask
  r.mr_signer.fill(0xAB);
  r.isv_prod_id = 2;
  r.isv_svn = 8;
  return r;
}

TEST(QeIdentityMatch, MasksApplyAndIsvSvnPicksTheLevel) {
  auto m = match_qe_identity(report(), identity());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->status, TcbStatus::UpToDate);
  QeReport r = report();
  r.isv_svn = 7;
  EXPECT_EQ(match_qe_identity(r, identity())->status, TcbStatus::OutOfDate);
  r.isv_svn = 5;
  EXPECT_EQ(match_qe_identity(r, identity()).error().code, "QE_IDENTITY_MISMATCH");
}

TEST(QeIdentityMatch, EachFieldMismatchIsRefused) {
  QeReport r = report();
  r.mr_signer[31] ^= 1;
  EXPECT_FALSE(match_qe_identity(r, identity()).ok());
  r = report();
  r.isv_prod_id = 1;
  EXPECT_FALSE(match_qe_identity(r, identity()).ok());
  r = report();
  r.misc_select = 0x00000002;
  EXPECT_FALSE(match_qe_identity(r, identity()).ok());
  r = report();
  r.attributes[0] = 0x10;
  EXPECT_FALSE(match_qe_identity(r, identity()).ok());
  r = report();
  r.attributes[0] = 0x13;  // DEBUG bit (masked out by 0xFB, still refused)
  EXPECT_FALSE(match_qe_identity(r, identity()).ok());
}

TEST(PlatformTcbMatch, ComponentLengthMismatchSkipsTheLevel) {
  TcbInfo info;
  PlatformTcbLevel short_level;
  short_level.sgx_components = std::vector<std::int64_t>(15, 0);
  short_level.tdx_components = std::vector<std::int64_t>(16, 0);
  short_level.status = TcbStatus::UpToDate;
  PlatformTcbLevel full = short_level;
  full.sgx_components = std::vector<std::int64_t>(16, 0);
  full.status = TcbStatus::OutOfDate;
  info.levels = {short_level, full};
  std::array<std::uint8_t, 16> svn{};
  auto m = match_platform_tcb(info, svn, 0, svn);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->status, TcbStatus::OutOfDate);
}

TEST(PlatformTcbMatch, LevelWithoutTdxComponentsIsAnError) {
  TcbInfo info;
  PlatformTcbLevel level;
  level.sgx_components = std::vector<std::int64_t>(16, 0);
  info.levels = {level};
  std::array<std::uint8_t, 16> svn{};
  EXPECT_EQ(match_platform_tcb(info, svn, 0, svn).error().code, "NO_TCB_LEVEL");
}

}  // namespace
}  // namespace cbx::attest
