// `cipherbox-republish status` output (issue 15 item 4): the folder row shows whether it is
// Resolvable and how long the record routing serves stays valid; with a NAME, each endpoint's
// read-back.
#include "cli/status_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace cbx::cli {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const SysTime kNow = *parse_rfc3339("2026-12-01T00:00:00Z");

op::IpnsRepublish folder() {
  op::IpnsRepublish f;
  f.ns = "team";
  f.name = "photos";
  f.spec.cid = "bafyspec";
  f.status.published_cid = "bafypublished";
  f.status.published_sequence = 7;
  f.status.valid_until = kNow + 47h;
  return f;
}

op::EndpointStatus endpoint(const std::string& url, const std::string& result,
                            std::optional<Nanos> served_left) {
  op::EndpointStatus e;
  e.url = url;
  e.published_sequence = 7;
  op::ReadBack rb;
  rb.result = result;
  rb.sequence = 7;
  rb.checked_at = kNow - 1min;
  rb.message =
      result == "Verified" ? "serves the published record" : "the endpoint serves no record";
  if (served_left) {
    rb.verified_sequence = 7;
    rb.verified_valid_until = kNow + *served_left;
  }
  e.read_back = rb;
  return e;
}

std::string table(const op::IpnsRepublish& f, bool with_namespace = false) {
  std::ostringstream out;
  print_status_table({f}, with_namespace, kNow, out);
  return out.str();
}

TEST(StatusTable, ShowsResolvableAndTheValidityTheBestEndpointServes) {
  auto f = folder();
  f.status.endpoints = {endpoint("http://good", "Verified", 47h + 30min),
                        endpoint("http://bad", "ReadBackMismatch", std::nullopt)};
  op::set_condition(f.status.conditions, "Resolvable", true, op::Reason::kServed, "", 1, kNow);
  auto text = table(f);
  EXPECT_THAT(text, HasSubstr("RESOLVABLE"));
  EXPECT_THAT(text, HasSubstr("SERVED-LEFT"));
  EXPECT_THAT(text, HasSubstr("True"));
  EXPECT_THAT(text, HasSubstr("47h30m"));
  EXPECT_THAT(text, HasSubstr("bafypublished"));
  EXPECT_THAT(text, Not(HasSubstr("team"))) << "namespace only with -A";
  EXPECT_THAT(table(f, true), HasSubstr("team"));
}

TEST(StatusTable, NothingServedShowsZeroLeftAndBeforeTheFirstReadBackADash) {
  auto f = folder();
  f.status.endpoints = {endpoint("http://bad", "ReadBackMismatch", std::nullopt)};
  op::set_condition(f.status.conditions, "Resolvable", false, op::Reason::kNotServed, "", 1, kNow);
  auto text = table(f);
  EXPECT_THAT(text, HasSubstr("False"));
  EXPECT_THAT(text, HasSubstr(" 0s "));

  auto fresh = folder();  // published, not read back yet
  fresh.status.endpoints = {endpoint("http://good", "Verified", 47h)};
  fresh.status.endpoints[0].read_back.reset();
  auto line = table(fresh).substr(table(fresh).find('\n') + 1);
  EXPECT_THAT(line, HasSubstr(" - ")) << line;
  EXPECT_THAT(line, Not(HasSubstr("47h")));
}

TEST(StatusTable, EndpointDetailsNameEachEndpointsReadBack) {
  auto f = folder();
  f.status.endpoints = {endpoint("http://good", "Verified", 2h + 5min),
                        endpoint("http://bad", "ReadBackMismatch", std::nullopt)};
  std::ostringstream out;
  print_endpoint_details(f, kNow, out);
  auto text = out.str();
  std::istringstream lines(text);
  std::string line, good, bad;
  while (std::getline(lines, line)) {
    if (line.rfind("http://good", 0) == 0) good = line;
    if (line.rfind("http://bad", 0) == 0) bad = line;
  }
  EXPECT_THAT(good, HasSubstr("Verified"));
  EXPECT_THAT(good, HasSubstr("2h05m"));
  EXPECT_THAT(good, HasSubstr("2026-11-30T23:59:00"));
  EXPECT_THAT(bad, HasSubstr("ReadBackMismatch"));
  EXPECT_THAT(bad, HasSubstr("serves no record"));
}

TEST(StatusTable, FormatLeft) {
  EXPECT_EQ(format_left(-5s), "0s");
  EXPECT_EQ(format_left(42s), "42s");
  EXPECT_EQ(format_left(47h + 3min + 59s), "47h03m");
}

}  // namespace
}  // namespace cbx::cli
