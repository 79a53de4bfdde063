// Controller::process_next: how reconcile results drive the work queue (controller-runtime's
// error / RequeueAfter / success semantics), on a fake clock.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

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

// Pipeline controllers (issue 13 item 5): a reconcile that finishes later keeps its key in
// progress and holds one of max_in_flight slots until its done is called, from any thread.
struct PipelineControllerTest : ::testing::Test {
  FakeClock clock;
  FixedRandom random{0.0};
  std::mutex mutex;
  std::vector<std::pair<std::string, ReconcileDone>> started;
  Controller controller{"pipeline",
                        [this](const std::string& key, ReconcileDone done) {
                          std::lock_guard lock(mutex);
                          started.emplace_back(key, std::move(done));
                        },
                        2,
                        clock,
                        random,
                        BackoffPolicy{}};
  std::size_t started_count() {
    std::lock_guard lock(mutex);
    return started.size();
  }
  void finish(std::size_t i, Result<ReconcileOutcome> result) {
    ReconcileDone done;
    {
      std::lock_guard lock(mutex);
      done = started[i].second;
    }
    done(std::move(result));
  }
};

TEST_F(PipelineControllerTest, AtMostMaxInFlightKeysAreStartedUntilOneIsDone) {
  for (const char* key : {"ns/a", "ns/b", "ns/c"}) controller.queue().add(key);
  ASSERT_TRUE(controller.process_next());
  ASSERT_TRUE(controller.process_next());
  EXPECT_EQ(controller.in_flight(), 2u);
  std::atomic<bool> third_started{false};
  std::thread third([&] {
    controller.process_next();
    third_started = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(third_started.load()) << "a worker waits for a slot";
  EXPECT_EQ(started_count(), 2u);
  EXPECT_EQ(controller.queue().depth(), 1u) << "and takes no key while it waits";
  finish(0, ReconcileOutcome{});
  third.join();
  ASSERT_EQ(started_count(), 3u);
  EXPECT_EQ(started[2].first, "ns/c");
  EXPECT_EQ(controller.in_flight(), 2u);
}

TEST_F(PipelineControllerTest, AKeyStaysInProgressUntilItsPipelineIsDone) {
  controller.queue().add("ns/a");
  ASSERT_TRUE(controller.process_next());
  controller.queue().add("ns/a");  // a change while its cycle runs
  EXPECT_EQ(controller.queue().try_get(), std::nullopt) << "never handed out twice at once";
  finish(0, ReconcileOutcome{6h});
  ASSERT_TRUE(controller.process_next());  // the change is reconciled after the cycle ended
  EXPECT_EQ(started_count(), 2u);
}

TEST_F(PipelineControllerTest, DoneFromAnotherThreadDrivesTheQueueOnce) {
  controller.queue().add("ns/a");
  ASSERT_TRUE(controller.process_next());
  std::thread signer_thread([&] {
    finish(0, make_error("CONFLICT", "stale"));
    finish(0, ReconcileOutcome{});  // a second call is ignored
  });
  signer_thread.join();
  EXPECT_EQ(controller.queue().failures("ns/a"), 1);
  EXPECT_EQ(controller.queue().next_timer(), clock.now() + 5s);
  EXPECT_EQ(controller.in_flight(), 0u);
}

TEST_F(PipelineControllerTest, ShutdownReleasesWaitingWorkersAndWaitIdleDrains) {
  for (const char* key : {"ns/a", "ns/b", "ns/c"}) controller.queue().add(key);
  ASSERT_TRUE(controller.process_next());
  ASSERT_TRUE(controller.process_next());
  std::thread waiting([&] { EXPECT_FALSE(controller.process_next()); });
  controller.shutdown();
  waiting.join();
  std::atomic<bool> drained{false};
  std::thread drain([&] {
    controller.wait_idle();
    drained = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(drained.load()) << "two cycles still run";
  finish(0, ReconcileOutcome{});
  finish(1, make_error("CYCLE_ABANDONED", "x"));
  drain.join();
  EXPECT_TRUE(drained.load());
  EXPECT_EQ(started_count(), 2u);
}

}  // namespace
}  // namespace cbx::kube
