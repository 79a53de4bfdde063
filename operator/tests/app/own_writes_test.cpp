// The republish controller's view of its own status writes (app/own_writes): a cached version
// one of them replaced is stale; the key is forgotten once the cache shows a newer one.
#include "app/own_writes.h"

#include <gtest/gtest.h>

namespace cbx::op {
namespace {

class CountingWriter : public StatusWriter {
 public:
  bool fail = false;
  int version = 1;
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus&) override {
    if (fail) return make_error("CONFLICT", "stale");
    auto out = obj;
    out.resource_version = std::to_string(++version);
    return out;
  }
};

IpnsRepublish at_version(const std::string& rv) {
  IpnsRepublish obj;
  obj.ns = "bench";
  obj.name = "f1";
  obj.resource_version = rv;
  return obj;
}

TEST(OwnWritesTest, AVersionReplacedByOurWriteIsStaleUntilTheCacheCatchesUp) {
  CountingWriter api;
  OwnWrites writes(api);
  EXPECT_FALSE(writes.superseded("bench/f1", "1")) << "nothing written yet";
  auto reserved = writes.write_status(at_version("1"), {});  // 1 -> 2
  ASSERT_TRUE(reserved);
  auto outcome = writes.write_status(*reserved, {});  // 2 -> 3
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(writes.superseded("bench/f1", "1"));
  EXPECT_TRUE(writes.superseded("bench/f1", "2")) << "the cache still shows the reservation";
  EXPECT_FALSE(writes.superseded("bench/f1", "3")) << "the cache shows our last write";
  EXPECT_EQ(writes.keys(), 0u);
  EXPECT_FALSE(writes.superseded("bench/f1", "2")) << "forgotten once caught up";
}

TEST(OwnWritesTest, AFailedWriteReplacesNothing) {
  CountingWriter api;
  api.fail = true;
  OwnWrites writes(api);
  ASSERT_FALSE(writes.write_status(at_version("1"), {}));
  EXPECT_FALSE(writes.superseded("bench/f1", "1"));
  EXPECT_EQ(writes.keys(), 0u);
}

TEST(OwnWritesTest, ADeletedFolderIsForgotten) {
  CountingWriter api;
  OwnWrites writes(api);
  ASSERT_TRUE(writes.write_status(at_version("1"), {}));
  writes.forget("bench/f1");
  EXPECT_EQ(writes.keys(), 0u);
}

}  // namespace
}  // namespace cbx::op
