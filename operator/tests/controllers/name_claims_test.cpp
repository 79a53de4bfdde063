#include "controllers/republish/name_claims.h"

#include <gtest/gtest.h>

#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;

IpnsRepublish object(const std::string& ns, const std::string& name, const std::string& ipns_name,
                     const char* created, const std::string& uid) {
  IpnsRepublish obj;
  obj.ns = ns;
  obj.name = name;
  obj.uid = uid;
  if (created) obj.created_at = at(created);
  obj.spec.ipns_name = ipns_name;
  return obj;
}

TEST(NameClaimsTest, TheOldestObjectOwnsTheNameInAnyNamespace) {
  NameClaims claims;
  claims.upsert(object("team-b", "copy", "k51a", "2026-06-01T00:00:05Z", "0000"));
  claims.upsert(object("team-a", "photos", "k51a", "2026-06-01T00:00:01Z", "ffff"));
  claims.upsert(object("team-a", "other", "k51b", "2026-06-01T00:00:09Z", "1111"));
  EXPECT_EQ(claims.owner("k51a")->key, "team-a/photos");
  EXPECT_EQ(claims.owner("k51b")->key, "team-a/other");
  EXPECT_EQ(claims.claimants("k51a"), (std::vector<std::string>{"team-a/photos", "team-b/copy"}));
  EXPECT_FALSE(claims.owner("k51c"));
}

TEST(NameClaimsTest, SameCreationSecondIsDecidedByUid) {
  NameClaims claims;
  claims.upsert(object("a", "x", "k51a", "2026-06-01T00:00:01Z", "bbbb"));
  claims.upsert(object("b", "y", "k51a", "2026-06-01T00:00:01Z", "aaaa"));
  EXPECT_EQ(claims.owner("k51a")->key, "b/y");
}

TEST(NameClaimsTest, AnObjectWithoutCreationTimeNeverOutranksOneWithIt) {
  NameClaims claims;
  claims.upsert(object("a", "x", "k51a", nullptr, "0000"));
  claims.upsert(object("b", "y", "k51a", "2030-01-01T00:00:00Z", "ffff"));
  EXPECT_EQ(claims.owner("k51a")->key, "b/y");
}

TEST(NameClaimsTest, WhenTheOwnerGoesTheNextOldestTakesOverAndEmptyNamesAreForgotten) {
  NameClaims claims;
  claims.upsert(object("a", "first", "k51a", "2026-06-01T00:00:01Z", "1"));
  claims.upsert(object("b", "second", "k51a", "2026-06-01T00:00:02Z", "2"));
  claims.upsert(object("c", "third", "k51a", "2026-06-01T00:00:03Z", "3"));
  claims.remove("a/first");
  EXPECT_EQ(claims.owner("k51a")->key, "b/second");
  EXPECT_EQ(claims.name_of("a/first"), "");
  claims.remove("b/second");
  claims.remove("c/third");
  EXPECT_FALSE(claims.owner("k51a"));
  EXPECT_EQ(claims.names(), 0u);
  claims.remove("never/there");
}

TEST(NameClaimsTest, ARecreatedObjectIsRankedByItsNewCreationTime) {
  NameClaims claims;
  claims.upsert(object("a", "x", "k51a", "2026-06-01T00:00:01Z", "1"));
  claims.upsert(object("b", "y", "k51a", "2026-06-01T00:00:02Z", "2"));
  claims.upsert(object("a", "x", "k51a", "2026-06-01T00:10:00Z", "9"));  // deleted and re-created
  EXPECT_EQ(claims.owner("k51a")->key, "b/y");
  EXPECT_EQ(claims.claimants("k51a").size(), 2u);
}

}  // namespace
}  // namespace cbx::op
