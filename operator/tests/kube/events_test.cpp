#include "kube/events.h"

#include <gtest/gtest.h>

namespace cbx::kube {
namespace {

const WallTime kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25};

TEST(MakeEvent, RefersToTheObjectInItsNamespace) {
  json obj = {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
              {"kind", "IpnsRepublish"},
              {"metadata",
               {{"name", "f1"}, {"namespace", "team"}, {"uid", "u-1"}, {"resourceVersion", "5"}}}};
  json e = make_event(obj, EventType::warning, "PublishFailed", "Publish", "routing said 503",
                      "cipherbox.io/republish", "pod-1", kNow, 7);
  EXPECT_EQ(e["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(e["metadata"]["namespace"], "team");
  EXPECT_TRUE(e["metadata"]["name"].get<std::string>().starts_with("f1."));
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "PublishFailed");
  EXPECT_EQ(e["action"], "Publish");
  EXPECT_EQ(e["note"], "routing said 503");
  EXPECT_EQ(e["eventTime"], "2026-11-25T00:00:00.000000Z");
  EXPECT_EQ(e["regarding"]["uid"], "u-1");
  EXPECT_EQ(e["regarding"]["kind"], "IpnsRepublish");
  EXPECT_EQ(e["reportingInstance"], "pod-1");
}

TEST(MakeEvent, ClusterScopedObjectsGoToDefaultAndNotesAreCapped) {
  json epoch = {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
                {"kind", "TeeEpoch"},
                {"metadata", {{"name", "epoch-1"}}}};
  json e = make_event(epoch, EventType::normal, "Activated", "Activate", std::string(5000, 'x'),
                      "c", "i", kNow, 0);
  EXPECT_EQ(e["metadata"]["namespace"], "default");
  EXPECT_FALSE(e["regarding"].contains("namespace"));
  EXPECT_EQ(e["note"].get<std::string>().size(), 1024u);
  EXPECT_NE(
      make_event(epoch, EventType::normal, "r", "a", "n", "c", "i", kNow, 1)["metadata"]["name"],
      e["metadata"]["name"]);
}

}  // namespace
}  // namespace cbx::kube
