// A signer stand-in that answers the real SignerClient over HTTP with validly-formed records
// that are not the ones asked for (another value the key signed, another sequence, another key):
// the reconciler drops each, and the real boxo routing server receives nothing. A real signer
// cannot be made to produce these faults, hence the stand-in; everything else is the real path
// (Beast transport, sign batcher, signer client, routing client and publisher).
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "../../../common/tests/http_client/test_server.h"
#include "app/client_signer_handle.h"
#include "app/routing_ports.h"
#include "cbx/http/beast_client.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "child_process.h"
#include "clients/routing_client.h"
#include "clients/routing_publisher.h"
#include "clients/signer_client.h"
#include "controllers/republish/republish_reconciler.h"
#include "controllers/republish/sign_batcher.h"
#include "controllers/republish/signed_record_check.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kValue[] = "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
constexpr char kOtherValue[] = "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

struct Key {
  ed25519::KeyPair pair;
  ipns::Name name;
  explicit Key(std::uint8_t fill)
      : pair(*ed25519::key_pair_from_seed(Bytes(32, fill))),
        name(ipns::name_from_ed25519(pair.public_key)) {}
};

enum class Fault { kNone, kOtherValue, kOtherSequence, kOtherKey };

// Answers POST /v1/sign like the signer's wire format, signing each entry with the fault set.
class StandInSigner {
 public:
  StandInSigner(const Key& folder, const Key& other) : folder_(folder), other_(other) {}
  void set(Fault fault) {
    std::lock_guard lock(mutex_);
    fault_ = fault;
  }
  std::string url() const { return server_.url("/"); }

 private:
  http::testing::Reply answer(const http::testing::Seen& seen) {
    std::lock_guard lock(mutex_);
    auto body = json::parse(seen.body);
    json results = json::array();
    for (const auto& e : body["entries"]) {
      auto sequence = std::stoull(e["sequence"].get<std::string>());
      ipns::RecordFields fields{e["value"], e["validity"], sequence,
                                e["ttlSeconds"].get<std::uint64_t>() * 1'000'000'000ULL};
      if (fault_ == Fault::kOtherValue) fields.value = kOtherValue;
      if (fault_ == Fault::kOtherSequence) fields.sequence = sequence + 1;
      const auto& key = fault_ == Fault::kOtherKey ? other_ : folder_;
      results.push_back({{"id", e["id"]},
                         {"ok", true},
                         {"record", base64_encode(*ipns::make_record(key.pair, fields))},
                         {"sequence", e["sequence"]},
                         {"validity", e["validity"]}});
    }
    http::testing::Reply reply;
    reply.body = json{{"results", results}}.dump();
    reply.headers.emplace_back("Content-Type", "application/json");
    return reply;
  }

  const Key& folder_;
  const Key& other_;
  std::mutex mutex_;
  Fault fault_ = Fault::kNone;
  http::testing::Server server_{[this](const http::testing::Seen& s) { return answer(s); }};
};

struct RoutingServer {
  testing::ChildProcess process{CBX_ROUTING_SERVER, {"--listen=127.0.0.1:0"}};
  std::string url;
  RoutingServer() {
    auto line = process.read_line(20s);
    if (line) url = json::parse(*line, nullptr, false).value("listening", "");
  }
};

class MemoryStore : public StatusWriter {
 public:
  IpnsRepublish stored;
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& st) override {
    if (obj.resource_version != stored.resource_version) return make_error("CONFLICT", "stale");
    stored.status = st;
    stored.resource_version = std::to_string(std::stoi(stored.resource_version) + 1);
    return stored;
  }
};

class Events : public EventSink {
 public:
  std::vector<std::string> warnings;
  void emit(const IpnsRepublish&, bool warning, const std::string& reason,
            const std::string&) override {
    if (warning) warnings.push_back(reason);
  }
};

SecretBytes token() {
  std::string t = "stand-in-token";
  return SecretBytes(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
}

json routing_test_api(http::HttpTransport& http, const std::string& url, const std::string& what) {
  auto response = http.request(http::Request{"GET", url + "/_test/" + what, {}, "", 5s});
  if (!response) return json();
  return json::parse(response->body, nullptr, false);
}

TEST(WrongRecordTest, NothingAWrongRecordReachesTheRoutingServer) {
  Key folder(9), other(10);
  StandInSigner signer(folder, other);
  RoutingServer routing;
  ASSERT_FALSE(routing.url.empty());
  auto http = std::move(http::make_beast_client({}).value());
  auto client = std::make_shared<SignerClient>(*http, signer.url(), token());
  auto handle = std::make_shared<ClientSignerHandle>(client, nullptr);
  SignBatcher batcher(nullptr, BatcherOptions{50, 1ms, 1});
  std::vector<std::unique_ptr<RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<RoutingClient>(*http, routing.url));
  RoutingPublisher routing_client(std::move(endpoints));
  RoutingPorts publisher(routing_client);
  MemoryStore store;
  Events events;
  RepublishReconciler reconciler({store, batcher, publisher, events}, BackoffPolicy{5s, 5min, 0.0});

  store.stored.ns = "default";
  store.stored.name = "photos";
  store.stored.generation = 1;
  store.stored.resource_version = "1";
  store.stored.spec.ipns_name = folder.name.text();
  store.stored.spec.cid = std::string(kValue).substr(6);
  store.stored.spec.encrypted_key = "c2VhbGVk";
  auto now = std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
  store.stored.spec.owner_record =
      *ipns::make_record(folder.pair, {kValue, ipns::format_validity(now + 48h), 2});

  for (Fault fault : {Fault::kOtherValue, Fault::kOtherSequence, Fault::kOtherKey}) {
    signer.set(fault);
    auto r = reconciler.reconcile(store.stored, ActiveEpoch{1, "stand-in", handle}, now);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->outcome, to_string(Reason::kSignedRecordRejected)) << static_cast<int>(fault);
    EXPECT_FALSE(store.stored.status.pending);
    now = *r->requeue_at;
  }
  EXPECT_EQ(events.warnings, std::vector<std::string>(3, to_string(Reason::kSignedRecordRejected)));
  // Not one PUT arrived (valid or not): stats count every routing request by method.
  auto stats = routing_test_api(*http, routing.url, "stats");
  ASSERT_TRUE(stats.is_object()) << stats.dump();
  EXPECT_FALSE(stats["requests"].contains("PUT")) << stats.dump();
  EXPECT_EQ(stats["records"], 0) << stats.dump();

  // The same path delivers a right record: the check, not the plumbing, stopped the others.
  signer.set(Fault::kNone);
  auto r = reconciler.reconcile(store.stored, ActiveEpoch{1, "stand-in", handle}, now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, "Published");
  auto history = routing_test_api(*http, routing.url, "history");
  ASSERT_EQ(history.size(), 1u) << history.dump();
  EXPECT_EQ(history[0]["sequence"], "6") << "three sequences burnt by the dropped records";
}

}  // namespace
}  // namespace cbx::op
