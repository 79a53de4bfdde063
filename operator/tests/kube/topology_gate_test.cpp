// The shard topology gate (kube/topology_gate.h) and the campaign around it, on a fake clock:
// the pure decision, explicit interleavings of two topologies racing for their Leases, and a
// seeded simulation of resharding 1 -> 2 -> 1 (standbys, graceful exits, crashes, API errors)
// driving the real LeaderElector and gate step by step against an in-memory Lease API, with the
// invariant checked after every step: two processes whose folders overlap never lead at once.
#include "kube/topology_gate.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>

#include "cbx/base/log.h"
#include "fakes.h"
#include "kube/leader_election.h"

namespace cbx::kube {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::response;

const std::string kBase = "cipherbox-republish";

LeaseRecord held(const std::string& holder, const std::string& rv, int seconds = 15) {
  LeaseRecord r;
  r.holder = holder;
  r.lease_duration_seconds = seconds;
  r.resource_version = rv;
  return r;
}

// --- the pure decision -------------------------------------------------------------------------

TEST(TopologyGate, ALeaseOfAnotherTopologySeenForTheFirstTimeIsLive) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{0, 2});
  EXPECT_EQ(gate.blockers({{kBase, held("old", "1")}}, clock.now()),
            std::vector<std::string>{kBase});
}

TEST(TopologyGate, ExpiresAfterItsDurationUnchangedOnOurClock) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{1, 2});
  std::vector<NamedLease> leases{{kBase, held("old", "1")}};
  EXPECT_EQ(gate.blockers(leases, clock.now()).size(), 1u);
  clock.advance(14s);
  EXPECT_EQ(gate.blockers(leases, clock.now()).size(), 1u);
  clock.advance(1s);
  EXPECT_TRUE(gate.blockers(leases, clock.now()).empty());
}

TEST(TopologyGate, ARenewalRestartsTheWait) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{0, 2});
  EXPECT_EQ(gate.blockers({{kBase, held("old", "1")}}, clock.now()).size(), 1u);
  clock.advance(10s);
  EXPECT_EQ(gate.blockers({{kBase, held("old", "2")}}, clock.now()).size(), 1u);
  clock.advance(10s);
  EXPECT_EQ(gate.blockers({{kBase, held("old", "2")}}, clock.now()).size(), 1u);
  clock.advance(5s);
  EXPECT_TRUE(gate.blockers({{kBase, held("old", "2")}}, clock.now()).empty());
}

TEST(TopologyGate, ReleasedOwnTopologyAndForeignLeasesDoNotBlock) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{0, 2});
  EXPECT_TRUE(gate.blockers({{kBase, held("", "1")},
                             {kBase + "-shard-1-of-2", held("peer", "2")},
                             {"someone-else", held("x", "3")},
                             {kBase + "-shard-01-of-3", held("x", "4")}},
                            clock.now())
                  .empty());
  EXPECT_EQ(gate.blockers({{kBase + "-shard-2-of-3", held("x", "5")}}, clock.now()),
            std::vector<std::string>{kBase + "-shard-2-of-3"});
}

TEST(TopologyGate, ASingleShardProcessWaitsForEveryShardOfAnotherTopology) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{0, 1});
  EXPECT_EQ(gate.blockers({{kBase, held("standby-peer", "1")},
                           {kBase + "-shard-0-of-2", held("b0", "2")},
                           {kBase + "-shard-1-of-2", held("b1", "3")}},
                          clock.now()),
            (std::vector<std::string>{kBase + "-shard-0-of-2", kBase + "-shard-1-of-2"}));
}

TEST(TopologyGate, ALeaseThatWentAndCameBackIsSeenAfresh) {
  FakeClock clock;
  TopologyGate gate(kBase, ShardSpec{0, 2});
  EXPECT_EQ(gate.blockers({{kBase, held("old", "1")}}, clock.now()).size(), 1u);
  clock.advance(10s);
  EXPECT_TRUE(gate.blockers({}, clock.now()).empty());
  clock.advance(10s);
  EXPECT_EQ(gate.blockers({{kBase, held("old", "1")}}, clock.now()).size(), 1u);
}

TEST(TopologyGate, BackoffIsOneToThreeRetryPeriods) {
  EXPECT_EQ(topology_backoff(2s, 0.0), Duration(2s));
  EXPECT_EQ(topology_backoff(2s, 0.5), Duration(4s));
  EXPECT_LE(topology_backoff(2s, 0.999999), Duration(6s));
  EXPECT_EQ(topology_backoff(2s, 7.0), Duration(6s));
}

// --- an in-memory Lease API (one namespace), shared by several clients ---------------------------

class LeaseApi {
 public:
  Result<http::Response> handle(const http::Request& r) {
    std::lock_guard lock(mutex_);
    if (fault_probability_ > 0 &&
        std::uniform_real_distribution<double>(0, 1)(faults_) < fault_probability_) {
      return response(500, R"({"reason":"InternalError","message":"injected"})");
    }
    const std::string prefix = "https://api/apis/coordination.k8s.io/v1/namespaces/op/leases";
    std::string rest = r.url.substr(prefix.size());
    auto query = rest.find('?');
    if (query != std::string::npos) rest.resize(query);
    if (r.method == "GET" && rest.empty()) {
      json items = json::array();
      for (const auto& [name, object] : leases_) items.push_back(object);
      return response(
          200,
          json{{"items", items}, {"metadata", {{"resourceVersion", std::to_string(rv_)}}}}.dump());
    }
    if (r.method == "POST") {
      auto object = json::parse(r.body);
      std::string name = object["metadata"]["name"];
      if (leases_.count(name)) return response(409, R"({"reason":"AlreadyExists"})");
      return store(name, object, 201);
    }
    std::string name = rest.substr(1);
    auto it = leases_.find(name);
    if (it == leases_.end()) return response(404, R"({"reason":"NotFound"})");
    if (r.method == "GET") return response(200, it->second.dump());
    auto object = json::parse(r.body);
    if (object["metadata"].value("resourceVersion", "") !=
        it->second["metadata"]["resourceVersion"]) {
      return response(409, R"({"reason":"Conflict"})");
    }
    return store(name, object, 200);
  }
  void set_faults(double probability, std::uint32_t seed) {
    fault_probability_ = probability;
    faults_.seed(seed);
  }

 private:
  Result<http::Response> store(const std::string& name, json object, int status) {
    object["metadata"]["resourceVersion"] = std::to_string(++rv_);
    leases_[name] = object;
    return response(status, object.dump());
  }
  std::mutex mutex_;
  std::map<std::string, json> leases_;
  long rv_ = 0;
  double fault_probability_ = 0;
  std::mt19937 faults_;
};

class LeaseApiTransport final : public http::HttpTransport {
 public:
  explicit LeaseApiTransport(LeaseApi& api) : api_(api) {}
  Result<http::Response> request(const http::Request& r) override { return api_.handle(r); }
  Result<http::Response> stream(const http::Request&, const http::ChunkHandler&,
                                http::Cancellation*) override {
    return make_error("TRANSPORT", "no watch here");
  }

 private:
  LeaseApi& api_;
};

// One operator process as its campaign sees it: the real elector and gate, stepped by hand.
struct Process {
  Process(LeaseApi& api, const Clock& clock, std::string id, ShardSpec shard, Duration lease,
          Duration renew, Duration retry)
      : shard(shard), gate(kBase, shard) {
    KubeClientOptions options;
    options.qps = 0;
    options.max_429_retries = 0;
    client = std::make_unique<KubeClient>(std::make_unique<LeaseApiTransport>(api), "https://api",
                                          TokenSource(), "op", options);
    LeaderElectionConfig config;
    config.namespace_name = "op";
    config.name = shard_lease_name(kBase, shard);
    config.identity = std::move(id);
    config.lease_duration = lease;
    config.renew_deadline = renew;
    config.retry_period = retry;
    elector = std::make_unique<LeaderElector>(*client, config, LeaderCallbacks{}, clock);
  }
  bool acquire() { return elector->try_acquire_or_renew(); }
  bool gate_open(SteadyTime now) {
    auto live = live_other_topologies(*client, "op", gate, now);
    return live && live->empty();
  }

  ShardSpec shard;
  TopologyGate gate;
  std::unique_ptr<KubeClient> client;
  std::unique_ptr<LeaderElector> elector;
};

bool overlap(const ShardSpec& a, const ShardSpec& b) {
  return a.count != b.count || a.index == b.index;
}

struct GateRaceTest : ::testing::Test {
  std::unique_ptr<Process> make(const std::string& id, ShardSpec shard) {
    return std::make_unique<Process>(api, clock, id, shard, 15s, 10s, 2s);
  }
  LeaseApi api;
  FakeClock clock;
};

TEST_F(GateRaceTest, TwoTopologiesThatRacedBothBackOffThenOneStarts) {
  auto a = make("a", ShardSpec{0, 1});
  auto b = make("b", ShardSpec{0, 2});
  ASSERT_TRUE(a->acquire());
  ASSERT_TRUE(b->acquire());
  EXPECT_FALSE(a->gate_open(clock.now()));  // sees b's fresh Lease
  EXPECT_FALSE(b->gate_open(clock.now()));  // sees a's
  a->elector->release();
  b->elector->release();
  clock.advance(2s);  // a's jittered pause ends first
  ASSERT_TRUE(a->acquire());
  EXPECT_TRUE(a->gate_open(clock.now()));  // b's Lease is released
  clock.advance(2s);
  ASSERT_TRUE(a->acquire());  // a renews while it leads
  ASSERT_TRUE(b->acquire());
  EXPECT_FALSE(b->gate_open(clock.now()));
}

TEST_F(GateRaceTest, WhoeverAcquiredFirstAndCheckedBeforeTheOtherAcquiredStarts) {
  auto a = make("a", ShardSpec{0, 1});
  auto b = make("b", ShardSpec{1, 2});
  ASSERT_TRUE(a->acquire());
  EXPECT_TRUE(a->gate_open(clock.now()));
  ASSERT_TRUE(b->acquire());
  EXPECT_FALSE(b->gate_open(clock.now()));
}

TEST_F(GateRaceTest, ACrashedTopologyBlocksForOneLeaseDurationOnly) {
  auto a = make("a", ShardSpec{0, 1});
  auto b = make("b", ShardSpec{0, 2});
  ASSERT_TRUE(a->acquire());
  ASSERT_TRUE(a->gate_open(clock.now()));
  a.reset();  // SIGKILL: the Lease stays held
  ASSERT_TRUE(b->acquire());
  EXPECT_FALSE(b->gate_open(clock.now()));
  clock.advance(14s);
  EXPECT_FALSE(b->gate_open(clock.now()));
  clock.advance(1s);
  EXPECT_TRUE(b->gate_open(clock.now()));
}

TEST_F(GateRaceTest, AGracefulExitHandsOverAtOnce) {
  auto a = make("a", ShardSpec{0, 2});
  auto b = make("b", ShardSpec{0, 1});
  ASSERT_TRUE(a->acquire());
  ASSERT_TRUE(a->gate_open(clock.now()));
  a->elector->release();
  ASSERT_TRUE(b->acquire());
  EXPECT_TRUE(b->gate_open(clock.now()));
}

TEST_F(GateRaceTest, ShardsOfOneTopologyStartSideBySide) {
  auto b0 = make("b0", ShardSpec{0, 2});
  auto b1 = make("b1", ShardSpec{1, 2});
  ASSERT_TRUE(b0->acquire());
  ASSERT_TRUE(b1->acquire());
  EXPECT_TRUE(b0->gate_open(clock.now()));
  EXPECT_TRUE(b1->gate_open(clock.now()));
}

TEST_F(GateRaceTest, CampaignGivesTheLeaseBackWhenTheGateRefuses) {
  auto a = make("a", ShardSpec{0, 1});
  ASSERT_TRUE(a->acquire());
  ASSERT_TRUE(a->gate_open(clock.now()));
  auto b = make("b", ShardSpec{0, 2});
  LeaderCallbacks callbacks;
  callbacks.may_start = [&] { return b->gate_open(clock.now()); };
  LeaderElectionConfig config;
  config.namespace_name = "op";
  config.name = shard_lease_name(kBase, ShardSpec{0, 2});
  config.identity = "b";
  LeaderElector elector(*b->client, config, callbacks, clock);
  EXPECT_EQ(elector.campaign_once(), LeaderElector::Campaign::kGaveBack);
  auto lease = get_lease(*b->client, "op", config.name);
  ASSERT_TRUE(lease && lease->has_value());
  EXPECT_EQ((*lease)->holder, "") << "a refused campaign must not keep the Lease";
  a->elector->release();
  EXPECT_EQ(elector.campaign_once(), LeaderElector::Campaign::kLead);
}

// --- seeded simulation of resharding 1 -> 2 -> 1 -------------------------------------------------

struct SimOutcome {
  int violations = 0;           // moments two overlapping processes led at once
  bool two_shards_led = false;  // topology 2 led both its shards at some point
  bool final_topology_led = false;
};

// Each process runs the elector's loop one API step at a time (acquire, gate, release, renew),
// at its own retry cadence, in a random order within each 50 ms tick; the simulated processes
// are: A, A' (1 shard) from 0 s; B0, B0', B1, B1' (2 shards) from 1-3 s; A and A' exit at 3-6 s
// (graceful, or a crash with probability 0.3); C, C' (1 shard) from 8-12 s; the Bs exit at
// 11-15 s. Every API request fails with probability `faults`.
SimOutcome simulate(std::uint32_t seed, bool gate_enabled, double faults) {
  const Duration tick = 50ms, retry = 250ms, renew = 750ms, lease = 1s;
  LeaseApi api;
  api.set_faults(faults, seed);
  FakeClock clock;
  std::mt19937 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<>(lo, hi)(rng);
  };
  auto at = [&](double seconds) {
    return clock.now() +
           std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  };
  enum class State { kWaiting, kIdle, kAcquired, kRefused, kLeading, kStopping, kGone };
  struct Sim {
    std::unique_ptr<Process> p;
    State state = State::kWaiting;
    SteadyTime start_at, exit_at, next_at, last_renew;
    bool crash = false;
  };
  std::vector<Sim> sims;
  auto add = [&](const std::string& id, ShardSpec shard, double start, double exit) {
    Sim s;
    s.p = std::make_unique<Process>(api, clock, id, shard, lease, renew, retry);
    s.start_at = at(start);
    s.exit_at = at(exit);
    s.crash = uniform(0, 1) < 0.3;
    sims.push_back(std::move(s));
  };
  double b_start = uniform(1, 3), a_exit = uniform(3, 6), c_start = uniform(8, 12),
         b_exit = uniform(11, 15);
  add("a", {0, 1}, 0, a_exit);
  add("a2", {0, 1}, uniform(0, 0.5), a_exit + uniform(0, 1));
  for (std::string id : {"b0", "b0x"})
    add(id, {0, 2}, b_start + uniform(0, 1), b_exit + uniform(0, 1));
  for (std::string id : {"b1", "b1x"})
    add(id, {1, 2}, b_start + uniform(0, 1), b_exit + uniform(0, 1));
  add("c", {0, 1}, c_start, 1000);
  add("c2", {0, 1}, c_start + uniform(0, 1), 1000);

  SimOutcome out;
  const auto end = at(30);
  auto soon = [&] { return clock.now() + tick * static_cast<int>(uniform(0, 2)); };
  while (clock.now() < end) {
    std::vector<Sim*> due;
    for (auto& s : sims) {
      if (s.state == State::kWaiting && clock.now() >= s.start_at) {
        s.state = State::kIdle;
        s.next_at = clock.now();
      }
      if (s.state != State::kWaiting && s.state != State::kGone && clock.now() >= s.next_at) {
        due.push_back(&s);
      }
    }
    std::shuffle(due.begin(), due.end(), rng);
    for (Sim* s : due) {
      auto now = clock.now();
      bool exiting = now >= s->exit_at;
      if (exiting && s->crash) {
        s->state = State::kGone;  // SIGKILL: nothing released
        continue;
      }
      switch (s->state) {
        case State::kIdle:
          if (exiting) {
            s->state = State::kGone;
          } else if (s->p->acquire()) {
            s->state = State::kAcquired;
            s->next_at = soon();
          } else {
            s->next_at = now + retry;
          }
          break;
        case State::kAcquired:
          if (!exiting && (!gate_enabled || s->p->gate_open(now))) {
            s->state = State::kLeading;
            s->last_renew = now;
            s->next_at = now + retry;
          } else {
            s->state = State::kRefused;
            s->next_at = soon();
          }
          break;
        case State::kRefused:
          s->p->elector->release();
          s->state = State::kIdle;
          s->next_at = now + topology_backoff(retry, uniform(0, 1));
          break;
        case State::kLeading:
          if (exiting) {
            s->state = State::kStopping;  // workers stopped; the Lease goes back next
            s->next_at = soon();
          } else if (s->p->acquire()) {
            s->last_renew = now;
            s->next_at = now + retry;
          } else if (now - s->last_renew >= renew) {
            s->state = State::kGone;  // lost leadership: exits (code 3)
          } else {
            s->next_at = now + retry;
          }
          break;
        case State::kStopping:
          s->p->elector->release();
          s->state = State::kGone;
          break;
        default:
          break;
      }
      // The invariant, after every step.
      std::vector<const Sim*> leading;
      for (const auto& t : sims) {
        if (t.state == State::kLeading) leading.push_back(&t);
      }
      for (std::size_t i = 0; i < leading.size(); ++i) {
        for (std::size_t j = i + 1; j < leading.size(); ++j) {
          if (overlap(leading[i]->p->shard, leading[j]->p->shard)) ++out.violations;
        }
      }
      bool b0 = false, b1 = false;
      for (const auto* t : leading) {
        if (t->p->shard == ShardSpec{0, 2}) b0 = true;
        if (t->p->shard == ShardSpec{1, 2}) b1 = true;
      }
      out.two_shards_led = out.two_shards_led || (b0 && b1);
    }
    clock.advance(tick);
  }
  for (const auto& s : sims) {
    if (s.state == State::kLeading && s.p->shard == ShardSpec{0, 1}) out.final_topology_led = true;
  }
  return out;
}

// Thousands of lease hand-overs: their info lines would drown the test output.
struct ReshardingSimulation : ::testing::Test {
  void SetUp() override { log::set_level(log::Level::warn); }
  void TearDown() override { log::set_level(log::Level::info); }
};

TEST_F(ReshardingSimulation, NoTwoOverlappingProcessesEverLeadAndEachTopologyGetsItsTurn) {
  for (std::uint32_t seed = 1; seed <= 150; ++seed) {
    for (double faults : {0.0, 0.05}) {
      auto out = simulate(seed, true, faults);
      EXPECT_EQ(out.violations, 0) << "seed " << seed << " faults " << faults;
      EXPECT_TRUE(out.two_shards_led) << "seed " << seed << " faults " << faults;
      EXPECT_TRUE(out.final_topology_led) << "seed " << seed << " faults " << faults;
    }
  }
}

// The same runs without the gate (every process leads once it holds its own shard Lease, as
// before shards): the invariant check does catch overlapping topologies.
TEST_F(ReshardingSimulation, WithoutTheGateTopologiesOverlap) {
  int runs_with_overlap = 0;
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    if (simulate(seed, false, 0.0).violations > 0) ++runs_with_overlap;
  }
  EXPECT_EQ(runs_with_overlap, 20);
}

}  // namespace
}  // namespace cbx::kube
