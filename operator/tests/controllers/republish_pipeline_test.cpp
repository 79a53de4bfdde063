// The republish cycle as a pipeline (issue 13 item 5): reserve -> sign (batched) -> publish ->
// record, with nobody waiting. Against in-memory ports with a signer and a publish executor that
// move only when the test says so, status is checked after every stage; a stage that crashes,
// fails or is dropped leaves status as a crash there always did. Then many folders through the
// real work-queue controller and the real batcher on a clock that never lingers out: batches
// fill to 50 with only a few workers.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "../kube/fakes.h"
#include "cbx/ipns/record.h"
#include "controllers/republish/republish_reconciler.h"
#include "controllers/republish/sign_batcher.h"
#include "kube/manager.h"
#include "republish_fixtures.h"
#include "signer_handles.h"

namespace cbx::op {
namespace {

using namespace testing;
using namespace std::chrono_literals;

struct Crash {};

// Folders by key, with resourceVersion preconditions; thread-safe (the pipeline writes from the
// workers and from the signer's answer).
class MemoryFolders : public StatusWriter {
 public:
  std::map<std::string, IpnsRepublish> stored;
  std::map<std::string, int> writes;
  int crash_at_write = -1;  // 1-based, over all folders
  int fail_at_write = -1;

  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& st) override {
    std::lock_guard lock(mutex_);
    auto& current = stored.at(obj.key());
    if (obj.resource_version != current.resource_version) {
      return make_error("CONFLICT", "resourceVersion " + obj.resource_version + " is stale");
    }
    ++total_;
    if (total_ == crash_at_write) throw Crash{};
    if (total_ == fail_at_write) return make_error("TRANSPORT", "connect: Connection refused");
    ++writes[obj.key()];
    current.status = st;
    current.resource_version = std::to_string(std::stoi(current.resource_version) + 1);
    return current;
  }
  IpnsRepublish get(const std::string& key) {
    std::lock_guard lock(mutex_);
    return stored.at(key);
  }

 private:
  std::mutex mutex_;
  int total_ = 0;
};

// Signs for real with each folder's seed (FolderKey by IPNS name).
Result<std::vector<SignOutcome>> sign_with_seeds(const std::map<std::string, FolderKey>& keys,
                                                 const std::vector<SignRequest>& requests) {
  std::vector<SignOutcome> out;
  for (const auto& r : requests) {
    auto record = ipns::make_record(keys.at(r.ipns_name).key,
                                    {r.value, r.validity, r.sequence,
                                     static_cast<std::uint64_t>(r.ttl.count()) * 1'000'000'000ULL});
    SignOutcome o;
    o.id = r.id;
    o.ok = true;
    o.record = base64_encode(*record);
    o.sequence = r.sequence;
    o.validity = r.validity;
    out.push_back(std::move(o));
  }
  return out;
}

// Keeps every request until the test answers it.
class ManualSigner : public RecordSigner {
 public:
  std::vector<SignRequest> requests;
  std::vector<SignDone> dones;
  void sign(const SignerRef&, std::uint64_t, SignRequest request, SignDone done) override {
    requests.push_back(std::move(request));
    dones.push_back(std::move(done));
  }
};

// Keeps every task until the test runs (or drops) it.
class ManualExecutor : public Executor {
 public:
  std::deque<std::function<void()>> tasks;
  void post(std::function<void()> task) override { tasks.push_back(std::move(task)); }
  void run_next() {
    auto task = std::move(tasks.front());
    tasks.pop_front();
    task();
  }
};

class MemoryRouting : public RecordPublisher {
 public:
  std::map<std::string, std::vector<Bytes>> published;
  bool failing = false;
  int publishes = 0;
  Result<NetworkLookup> resolve(const std::string& name) override {
    std::lock_guard lock(mutex_);
    auto it = published.find(name);
    if (it == published.end() || it->second.empty()) return NetworkLookup{};
    return NetworkLookup{it->second.back(), {}};
  }
  std::vector<EndpointResult> publish(const std::string& name, ByteView record) override {
    std::lock_guard lock(mutex_);
    ++publishes;
    if (failing) return {{"http://routing", false, "UNAVAILABLE", "503", std::nullopt}};
    published[name].emplace_back(record.begin(), record.end());
    return {{"http://routing", true, "", "", std::nullopt}};
  }
  std::size_t names() {
    std::lock_guard lock(mutex_);
    return published.size();
  }

 private:
  std::mutex mutex_;
};

class NoEvents : public EventSink {
 public:
  void emit(const IpnsRepublish&, bool, const std::string&, const std::string&) override {}
};

IpnsRepublish due_folder(const FolderKey& key, const std::string& name) {
  auto obj = folder(key, kCidA);
  obj.name = name;
  obj.resource_version = "1";
  obj.spec.owner_record = signed_record(key, "/ipfs/" + std::string(kCidA), 2);
  return obj;
}

struct Stages {
  std::map<std::string, FolderKey> keys;
  MemoryFolders folders;
  ManualSigner signer;
  ManualExecutor executor;
  MemoryRouting routing;
  NoEvents events;
  RepublishReconciler reconciler{{folders, signer, routing, events, nullptr, &executor},
                                 BackoffPolicy{5s, 5min, 0.0}};
  ActiveEpoch epoch{1, "http://signer", signer_named("http://signer")};
  std::vector<Result<ReconcileResult>> outcomes;
  SysTime now = at("2026-06-01T00:00:00Z");

  Stages() {
    auto key = folder_key(7);
    folders.stored["default/photos"] = due_folder(key, "photos");
    keys.emplace(key.name.text(), std::move(key));
  }
  IpnsRepublish stored() { return folders.get("default/photos"); }
  void start() {
    reconciler.start(stored(), SigningTarget{epoch, KeyState{true, Reason::kKeyCurrent, ""}}, now,
                     [this](Result<ReconcileResult> r) { outcomes.push_back(std::move(r)); });
  }
  void answer_signer() {
    auto request = signer.requests.back();
    auto done = std::move(signer.dones.back());
    signer.requests.pop_back();
    signer.dones.pop_back();
    auto answered = sign_with_seeds(keys, {request});
    done((*answered)[0]);
  }
};

TEST(RepublishPipelineTest, EachStageWritesWhatTheSynchronousCycleWrote) {
  Stages s;
  s.start();
  // Reserved, handed to the signer; nobody waits.
  EXPECT_TRUE(s.outcomes.empty());
  EXPECT_EQ(s.folders.writes["default/photos"], 1);
  EXPECT_EQ(s.stored().status.sequence, 3u);
  EXPECT_FALSE(s.stored().status.published_sequence);
  ASSERT_EQ(s.signer.requests.size(), 1u);
  EXPECT_EQ(s.signer.requests[0].sequence, 3u);
  // Signed: continued on the publish executor, not on the signer's thread.
  s.answer_signer();
  EXPECT_TRUE(s.outcomes.empty());
  EXPECT_EQ(s.routing.publishes, 0);
  ASSERT_EQ(s.executor.tasks.size(), 1u);
  s.executor.run_next();
  ASSERT_EQ(s.outcomes.size(), 1u);
  ASSERT_TRUE(s.outcomes[0]) << s.outcomes[0].error().message;
  EXPECT_EQ(s.outcomes[0]->outcome, "Published");
  EXPECT_EQ(s.folders.writes["default/photos"], 2) << "reserve, outcome: nothing more";
  EXPECT_EQ(s.stored().status.published_sequence, 3u);
  EXPECT_FALSE(s.stored().status.pending);
}

TEST(RepublishPipelineTest, ASignerFailureIsRecordedWithoutPublishing) {
  Stages s;
  s.start();
  s.signer.dones[0](make_error("UNAVAILABLE", "connection refused"));
  s.executor.run_next();
  ASSERT_EQ(s.outcomes.size(), 1u);
  EXPECT_EQ(s.outcomes[0]->outcome, "SignerUnavailable");
  EXPECT_EQ(s.routing.publishes, 0);
  EXPECT_EQ(s.stored().status.failures.count, 1u);
  EXPECT_EQ(s.stored().status.sequence, 3u) << "the reservation stays: never reused";
}

TEST(RepublishPipelineTest, NoEndpointTakingTheRecordKeepsItPending) {
  Stages s;
  s.routing.failing = true;
  s.start();
  s.answer_signer();
  s.executor.run_next();
  EXPECT_EQ(s.outcomes[0]->outcome, "PublishFailed");
  ASSERT_TRUE(s.stored().status.pending);
  EXPECT_EQ(s.stored().status.pending->sequence, 3u);
  EXPECT_EQ(s.folders.writes["default/photos"], 2);
}

// A cycle whose continuation is dropped (the executor stopped) or threw: the queue hears
// CYCLE_ABANDONED and retries; status holds the reservation, as after a SIGKILL there, and the
// next cycle skips the reserved sequence.
TEST(RepublishPipelineTest, ADroppedContinuationAbandonsTheCycleAndTheNextSkipsItsSequence) {
  Stages s;
  s.start();
  s.answer_signer();
  s.executor.tasks.clear();  // dropped, never run
  ASSERT_EQ(s.outcomes.size(), 1u);
  ASSERT_FALSE(s.outcomes[0]);
  EXPECT_EQ(s.outcomes[0].error().code, "CYCLE_ABANDONED");
  EXPECT_EQ(s.stored().status.sequence, 3u);
  EXPECT_FALSE(s.stored().status.published_sequence);
  EXPECT_EQ(s.routing.publishes, 0);

  s.now += 1s;
  s.start();
  s.answer_signer();
  s.executor.run_next();
  ASSERT_EQ(s.outcomes.size(), 2u);
  EXPECT_EQ(s.outcomes[1]->outcome, "Published");
  EXPECT_EQ(s.stored().status.published_sequence, 4u);
}

TEST(RepublishPipelineTest, ACrashWhileRecordingLeavesTheReservationAndThePublishedRecord) {
  Stages s;
  s.folders.crash_at_write = 2;  // the outcome write
  s.start();
  s.answer_signer();
  EXPECT_THROW(s.executor.run_next(), Crash);
  ASSERT_EQ(s.outcomes.size(), 1u);
  EXPECT_EQ(s.outcomes[0].error().code, "CYCLE_ABANDONED");
  EXPECT_EQ(s.stored().status.sequence, 3u);
  EXPECT_FALSE(s.stored().status.pending) << "the record went out before; status never had it";
  EXPECT_EQ(s.routing.published.begin()->second.size(), 1u);
}

TEST(RepublishPipelineTest, AFailedReservationSendsNothing) {
  Stages s;
  s.folders.fail_at_write = 1;
  s.start();
  ASSERT_EQ(s.outcomes.size(), 1u);
  EXPECT_EQ(s.outcomes[0].error().code, "TRANSPORT");
  EXPECT_TRUE(s.signer.requests.empty());
  EXPECT_FALSE(s.stored().status.sequence);
}

TEST(RepublishPipelineTest, AFailedOutcomeWriteIsAnErrorForTheQueue) {
  Stages s;
  s.folders.fail_at_write = 2;
  s.start();
  s.answer_signer();
  s.executor.run_next();
  ASSERT_EQ(s.outcomes.size(), 1u);
  EXPECT_EQ(s.outcomes[0].error().code, "TRANSPORT");
  EXPECT_EQ(s.stored().status.sequence, 3u);
}

// 200 due folders, 4 workers: the workers start every cycle without waiting, so the batcher sees
// all 200 requests; on a clock that never reaches the linger, only full batches go out. (With
// workers parked in their batch, as before, a batch held at most 4.)
TEST(RepublishPipelineTest, BatchesFillWithFewWorkers) {
  constexpr int kFolders = 200;
  kube::testing::FakeClock clock;
  kube::testing::FixedRandom random{0.0};
  std::map<std::string, FolderKey> keys;
  MemoryFolders folders;
  for (int i = 0; i < kFolders; ++i) {
    auto key = folder_key(static_cast<std::uint8_t>(i));
    auto obj = due_folder(key, "f" + std::to_string(i));
    folders.stored[obj.key()] = obj;
    keys.emplace(key.name.text(), std::move(key));
  }
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  auto signer = signer_answering("http://signer",
                                 [&](std::uint64_t, const std::vector<SignRequest>& requests) {
                                   {
                                     std::lock_guard lock(mutex);
                                     sizes.push_back(requests.size());
                                   }
                                   return sign_with_seeds(keys, requests);
                                 });
  SignBatcher batcher(nullptr, BatcherOptions{50, 50ms, 2}, nullptr, clock);
  MemoryRouting routing;
  NoEvents events;
  RepublishReconciler reconciler({folders, batcher, routing, events}, BackoffPolicy{5s, 5min, 0.0});
  ActiveEpoch epoch{1, "http://signer", signer};
  auto now = at("2026-06-01T00:00:00Z");
  std::atomic<int> finished{0};
  std::atomic<int> published{0};
  kube::Controller controller(
      "republish",
      [&](const std::string& key, kube::ReconcileDone done) {
        reconciler.start(folders.get(key),
                         SigningTarget{epoch, KeyState{true, Reason::kKeyCurrent, ""}}, now,
                         [&, done](Result<ReconcileResult> r) {
                           if (r && r->outcome == "Published") ++published;
                           ++finished;
                           done(kube::ReconcileOutcome{});
                         });
      },
      1000, clock, random, kube::BackoffPolicy{});
  for (const auto& [key, obj] : folders.stored) controller.queue().add(key);
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      while (controller.process_next()) {
      }
    });
  }
  for (int i = 0; i < 2000 && finished < kFolders; ++i) std::this_thread::sleep_for(5ms);
  controller.shutdown();
  for (auto& w : workers) w.join();
  controller.wait_idle();
  EXPECT_EQ(published.load(), kFolders);
  EXPECT_EQ(sizes, std::vector<std::size_t>(4, 50));
  EXPECT_EQ(routing.names(), static_cast<std::size_t>(kFolders));
  for (const auto& [key, writes] : folders.writes) EXPECT_EQ(writes, 2) << key;
}

}  // namespace
}  // namespace cbx::op
