// Controller::process_next: how reconcile results drive the work queue (controller-runtime's
// error / RequeueAfter / success semantics), on a fake clock.
#include <gtest/gtest.h>

#include "fakes.h"
#include "kube/manager.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FixedRandom;

struct ControllerTest : ::testing::Test {
  FakeClock clock;
  FixedRandom random{0.0};
  std::vector<Result<ReconcileOutcome>> script;
  std::vector<std::string> reconciled;
  std::vector<std::string> results;
  Controller controller{"test",
                        [this](const std::string& key) -> Result<ReconcileOutcome> {
                          reconciled.push_back(key);
                          auto next = script.front();
                          script.erase(script.begin());
                          return next;
                        },
                        clock, random, BackoffPolicy{}};
  ControllerTest() {
    controller.on_result = [this](const std::string& r) { results.push_back(r); };
  }
};

TEST_F(ControllerTest, AnErrorRetriesWithBackoffAndSuccessForgetsTheFailures) {
  script = {make_error("SIGNER_DOWN", "x"), make_error("SIGNER_DOWN", "x"), ReconcileOutcome{}};
  controller.queue().add("ns/a");
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(controller.queue().failures("ns/a"), 1);
  EXPECT_EQ(controller.queue().next_timer(), clock.now() + 5s);
  clock.advance(5s);
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(controller.queue().next_timer(), clock.now() + 10s);
  clock.advance(10s);
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(controller.queue().failures("ns/a"), 0);
  EXPECT_FALSE(controller.queue().next_timer());
  EXPECT_EQ(results, (std::vector<std::string>{"error", "error", "success"}));
}

TEST_F(ControllerTest, RequeueAfterSchedulesTheNextReconcile) {
  script = {ReconcileOutcome{6h}, ReconcileOutcome{}};
  controller.queue().add("ns/a");
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(controller.queue().next_timer(), clock.now() + 6h);
  EXPECT_EQ(controller.queue().try_get(), std::nullopt);
  clock.advance(6h);
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(reconciled, (std::vector<std::string>{"ns/a", "ns/a"}));
  EXPECT_EQ(results, (std::vector<std::string>{"requeue", "success"}));
}

TEST_F(ControllerTest, AThrowingReconcilerCountsAsAnError) {
  Controller throwing(
      "t", [](const std::string&) -> Result<ReconcileOutcome> { throw std::runtime_error("boom"); },
      clock, random, BackoffPolicy{});
  throwing.queue().add("k");
  ASSERT_TRUE(throwing.process_next());
  EXPECT_EQ(throwing.queue().failures("k"), 1);
}

TEST_F(ControllerTest, StopsWhenTheQueueShutsDown) {
  controller.queue().shutdown();
  EXPECT_FALSE(controller.process_next());
}

}  // namespace
}  // namespace cbx::kube
