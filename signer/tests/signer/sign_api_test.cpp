// POST /v1/sign over real HTTP on loopback: the happy paths, epoch migration and the table of bad
// inputs of issue 3, each with its documented answer, the server staying up throughout.
#include <atomic>
#include <thread>

#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

using namespace std::chrono_literals;

void expect_valid_record(const json& result, const Folder& f, std::uint64_t sequence) {
  ASSERT_TRUE(result["ok"].get<bool>()) << result.dump();
  auto record = base64_decode(result["record"].get<std::string>());
  ASSERT_TRUE(record);
  auto name = ipns::parse_name(f.name).value();
  auto checked = ipns::validate_record(name, *record, now());
  ASSERT_TRUE(checked) << checked.error().code << " " << checked.error().message;
  EXPECT_EQ(checked->value, f.value);
  EXPECT_EQ(checked->sequence, sequence);
  EXPECT_EQ(result["sequence"], std::to_string(sequence));
  EXPECT_EQ(result["validity"], checked->validity);
}

TEST(SignApiTest, SignsAKeySealedToTheCurrentEpochWithTheOwnersRecordAsProof) {
  SignerHarness h;
  Folder f = vector_folder();  // owner record made by the npm `ipns` package
  auto r = h.sign(1, json::array({h.entry(f, 1, f.owner_sequence + 1)}));
  ASSERT_EQ(r.status, 200u) << r.raw;
  ASSERT_EQ(r.body["results"].size(), 1u);
  const auto& result = r.body["results"][0];
  EXPECT_EQ(result["id"], "ns/folder");
  expect_valid_record(result, f, f.owner_sequence + 1);
  EXPECT_FALSE(result.contains("rewrapped"));
  auto validity = ipns::parse_validity(result["validity"].get<std::string>()).value();
  EXPECT_GT(validity, now() + 47h);
  EXPECT_LE(validity, now() + 48h);
}

TEST(SignApiTest, TheSignersOwnRecordIsProofForTheNextCycle) {
  SignerHarness h;
  Folder f = make_folder(0x11, 5);
  auto first = h.sign(1, json::array({h.entry(f, 1, 6)}));
  ASSERT_TRUE(first.body["results"][0]["ok"].get<bool>()) << first.raw;
  Folder next = f;
  next.owner_record = base64_decode(first.body["results"][0]["record"].get<std::string>()).value();
  auto second = h.sign(1, json::array({h.entry(next, 1, 7)}));
  expect_valid_record(second.body["results"][0], f, 7);
}

TEST(SignApiTest, LifetimeIsCappedAndAnExplicitValidityIsKept) {
  SignerHarness h;
  Folder f = make_folder(0x12);
  json capped = h.entry(f, 1, 4);
  capped["lifetimeSeconds"] = 10ULL * 365 * 24 * 3600;
  json explicit_validity = h.entry(f, 1, 4, "explicit");
  explicit_validity.erase("lifetimeSeconds");
  auto until = now() + 24h;
  explicit_validity["validity"] = ipns::format_validity(until);
  auto r = h.sign(1, json::array({capped, explicit_validity}));
  ASSERT_EQ(r.status, 200u);
  auto v0 = ipns::parse_validity(r.body["results"][0]["validity"].get<std::string>()).value();
  EXPECT_LE(v0, now() + 168h);
  EXPECT_GT(v0, now() + 167h);
  EXPECT_EQ(r.body["results"][1]["validity"], ipns::format_validity(until));
  expect_valid_record(r.body["results"][1], f, 4);
}

TEST(SignApiTest, KeysOnAnOlderEpochComeBackRewrappedToTheCurrentOne) {
  SignerHarness h;
  Folder f = make_folder(0x13);
  auto r = h.sign(2, json::array({h.entry(f, 1, 4)}));
  const auto& result = r.body["results"][0];
  expect_valid_record(result, f, 4);
  ASSERT_TRUE(result.contains("rewrapped")) << r.raw;
  EXPECT_EQ(result["rewrapped"]["epoch"], 2);
  auto resealed = base64_decode(result["rewrapped"]["encryptedKey"].get<std::string>()).value();
  auto epoch2 = h.provider().derive_epoch_key(2).value();
  auto seed = ecies::decrypt(epoch2, resealed);
  ASSERT_TRUE(seed);
  EXPECT_EQ(Bytes(seed->span().begin(), seed->span().end()), f.seed);

  // The rewrapped key now signs as a current-epoch key, with nothing more to migrate.
  json again = h.entry(f, 2, 5);
  again["encryptedKey"] = result["rewrapped"]["encryptedKey"];
  auto r2 = h.sign(2, json::array({again}));
  expect_valid_record(r2.body["results"][0], f, 5);
  EXPECT_FALSE(r2.body["results"][0].contains("rewrapped"));
}

TEST(SignApiTest, OneBadEntryDoesNotFailTheBatch) {
  SignerHarness h;
  Folder a = make_folder(0x14), b = make_folder(0x15);
  json bad = h.entry(b, 1, 1);  // b's owner sequence is 3: not newer
  auto r = h.sign(1, json::array({h.entry(a, 1, 4, "a"), bad, h.entry(a, 1, 5, "c")}));
  ASSERT_EQ(r.status, 200u);
  expect_valid_record(r.body["results"][0], a, 4);
  EXPECT_EQ(r.body["results"][1]["error"]["code"], "SEQUENCE_NOT_NEWER");
  EXPECT_FALSE(r.body["results"][1]["ok"].get<bool>());
  expect_valid_record(r.body["results"][2], a, 5);
}

// --- the table of bad inputs --------------------------------------------------------------

struct EntryCase {
  const char* name;
  std::function<json(SignerHarness&, const Folder&, const Folder&)> make;
  const char* code;
};

TEST(SignApiTest, EachBadEntryGetsItsDocumentedCode) {
  SignerHarness h;
  Folder f = make_folder(0x21), other = make_folder(0x22);
  const EntryCase cases[] = {
      {"bad base64 key",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["encryptedKey"] = "@@@not base64";
         return e;
       },
       "BAD_REQUEST"},
      {"truncated ciphertext",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         auto ct = base64_decode(e["encryptedKey"].template get<std::string>()).value();
         ct.resize(100);
         e["encryptedKey"] = base64_encode(ct);
         return e;
       },
       "DECRYPT_FAILED"},
      {"wrong epoch: sealed to epoch 2, claims epoch 1",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["encryptedKey"] = h.seal(f, 2);
         return e;
       },
       "DECRYPT_FAILED"},
      {"keyEpoch newer than currentEpoch",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["keyEpoch"] = 3;
         return e;
       },
       "UNKNOWN_EPOCH"},
      {"keyEpoch 0",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["keyEpoch"] = 0;
         return e;
       },
       "UNKNOWN_EPOCH"},
      {"name mismatch: another folder's key",
       [](auto& h, auto& f, auto& o) {
         auto e = h.entry(f, 1, 4);
         e["encryptedKey"] = h.seal(o, 1);
         return e;
       },
       "KEY_NAME_MISMATCH"},
      {"a value no record of the key carries",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["value"] = "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";
         return e;
       },
       "VALUE_NOT_OWNER_SIGNED"},
      {"a proof from another key",
       [](auto& h, auto& f, auto& o) {
         auto e = h.entry(f, 1, 4);
         e["proofRecord"] = base64_encode(o.owner_record);
         return e;
       },
       "VALUE_NOT_OWNER_SIGNED"},
      {"proof that is not a record",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["proofRecord"] = "AAAA";
         return e;
       },
       "VALUE_NOT_OWNER_SIGNED"},
      {"sequence not newer than the proof's",
       [](auto& h, auto& f, auto&) { return h.entry(f, 1, 3); }, "SEQUENCE_NOT_NEWER"},
      {"value that is not a CID path",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["value"] = "/ipfs/not-a-cid";
         return e;
       },
       "BAD_VALUE"},
      {"sequence as a JSON number",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["sequence"] = 4;
         return e;
       },
       "BAD_REQUEST"},
      {"sequence with a sign",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["sequence"] = "-4";
         return e;
       },
       "BAD_REQUEST"},
      {"keyEpoch as a string",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["keyEpoch"] = "1";
         return e;
       },
       "BAD_REQUEST"},
      {"ipnsName that is not a name",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e["ipnsName"] = "hello";
         return e;
       },
       "BAD_REQUEST"},
      {"missing id",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e.erase("id");
         return e;
       },
       "BAD_REQUEST"},
      {"entry that is not an object", [](auto&, auto&, auto&) { return json(42); }, "BAD_REQUEST"},
      {"validity in the past",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e.erase("lifetimeSeconds");
         e["validity"] = "2020-01-01T00:00:00Z";
         return e;
       },
       "BAD_REQUEST"},
      {"no validity and no lifetime",
       [](auto& h, auto& f, auto&) {
         auto e = h.entry(f, 1, 4);
         e.erase("lifetimeSeconds");
         return e;
       },
       "BAD_REQUEST"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = h.sign(1, json::array({c.make(h, f, other)}));
    ASSERT_EQ(r.status, 200u) << r.raw;
    const auto& result = r.body["results"][0];
    EXPECT_FALSE(result["ok"].get<bool>());
    EXPECT_EQ(result["error"]["code"], c.code) << result.dump();
    EXPECT_FALSE(result.contains("record"));
  }
  EXPECT_EQ(h.get("/healthz").status, 200u);
}

// A refused field names its path in the batch and never echoes the value (a ciphertext).
TEST(SignApiTest, AMalformedFieldIsNamedByItsPathWithoutItsValue) {
  SignerHarness h;
  Folder f = make_folder(0x33);
  json good = h.entry(f, 1, 4, "good");
  json bad_key = h.entry(f, 1, 4, "bad-key");
  bad_key["encryptedKey"] = "!!sealed-secret!!";
  json huge_ttl = h.entry(f, 1, 4, "huge-ttl");
  huge_ttl["ttlSeconds"] = 18446744073709551615ULL;
  json negative_epoch = h.entry(f, 1, 4, "negative-epoch");
  negative_epoch["keyEpoch"] = -1;
  auto r = h.sign(1, json::array({good, bad_key, huge_ttl, negative_epoch}));
  ASSERT_EQ(r.status, 200u) << r.raw;
  const auto& results = r.body["results"];
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0]["ok"].get<bool>()) << results[0].dump();
  const std::pair<std::size_t, const char*> expected[] = {
      {1, "entries[1].encryptedKey: expected base64"},
      {2, "entries[2].ttlSeconds: expected an integer from 0 to 31536000"},
      {3, "entries[3].keyEpoch: expected an unsigned 64-bit integer"},
  };
  for (const auto& [i, message] : expected) {
    EXPECT_EQ(results[i]["error"]["code"], "BAD_REQUEST") << results[i].dump();
    EXPECT_EQ(results[i]["error"]["message"], message) << results[i].dump();
  }
  EXPECT_EQ(r.raw.find("sealed-secret"), std::string::npos) << r.raw;
  auto no_entries = h.call(bhttp::verb::post, "/v1/sign", json{{"currentEpoch", 1}}.dump());
  EXPECT_EQ(no_entries.status, 400u) << no_entries.raw;
  EXPECT_EQ(no_entries.body["error"]["message"], "entries: required") << no_entries.raw;
}

struct RequestCase {
  const char* name;
  std::string body;
  unsigned status;
  const char* code;
};

TEST(SignApiTest, EachBadRequestGetsItsDocumentedStatusAndTheServerStaysUp) {
  SignerHarness h;
  Folder f = make_folder(0x31);
  json one = h.entry(f, 1, 4);
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back(one);
  const RequestCase cases[] = {
      {"malformed JSON", "{\"currentEpoch\": 1, ", 400, "BAD_JSON"},
      {"not an object", "[1,2,3]", 400, "BAD_JSON"},
      {"deep nesting", std::string(5000, '[') + std::string(5000, ']'), 400, "BAD_JSON"},
      {"invalid UTF-8", "{\"currentEpoch\":1,\"entries\":[],\"x\":\"\xff\xfe\"}", 400, "BAD_JSON"},
      {"entries not an array", json{{"currentEpoch", 1}, {"entries", "x"}}.dump(), 400,
       "BAD_REQUEST"},
      {"currentEpoch as a string", json{{"currentEpoch", "1"}, {"entries", json::array()}}.dump(),
       400, "BAD_REQUEST"},
      {"currentEpoch negative", json{{"currentEpoch", -1}, {"entries", json::array()}}.dump(), 400,
       "BAD_REQUEST"},
      {"currentEpoch 0", json{{"currentEpoch", 0}, {"entries", json::array()}}.dump(), 400,
       "UNKNOWN_EPOCH"},
      {"51 entries", json{{"currentEpoch", 1}, {"entries", many}}.dump(), 413, "BATCH_TOO_LARGE"},
      // Over the 1 MiB limit by less than the server drains after its answer (256 KiB): a body
      // past that budget is cut off by a reset, which can reach the client before the 413.
      {"oversize body", json{{"currentEpoch", 1}, {"pad", std::string((1 << 20) + 1024, 'x')}}.dump(),
       413, "BODY_TOO_LARGE"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = h.call(bhttp::verb::post, "/v1/sign", c.body);
    EXPECT_EQ(r.status, c.status) << r.raw;
    EXPECT_EQ(r.body["error"]["code"], c.code) << r.raw;
    EXPECT_TRUE(r.body["error"]["message"].is_string());
    EXPECT_EQ(h.get("/healthz").status, 200u);
  }
  auto empty = h.sign(1, json::array());
  EXPECT_EQ(empty.status, 200u);
  EXPECT_EQ(empty.body["results"], json::array());
}

TEST(SignApiTest, MissingOrWrongTokenIs401AndNothingIsSigned) {
  SignerHarness h;
  Folder f = make_folder(0x41);
  json body = {{"currentEpoch", 1}, {"entries", json::array({h.entry(f, 1, 4)})}};
  for (std::optional<std::string> token :
       {std::optional<std::string>{}, std::optional<std::string>{"wrong-token-0123456789"},
        std::optional<std::string>{std::string(kToken) + "x"}, std::optional<std::string>{""}}) {
    auto r = h.call(bhttp::verb::post, "/v1/sign", body.dump(), token);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.body["error"]["code"], "UNAUTHORIZED");
    EXPECT_FALSE(r.body.contains("results"));
  }
  for (const char* path : {"/v1/info", "/v1/epochs/1/public-key", "/v1/nothing"}) {
    EXPECT_EQ(h.call(bhttp::verb::get, path, "", std::nullopt).status, 401u) << path;
  }
  // Health, readiness and metrics need no token.
  EXPECT_EQ(h.call(bhttp::verb::get, "/healthz", "", std::nullopt).status, 200u);
  EXPECT_EQ(h.call(bhttp::verb::get, "/readyz", "", std::nullopt).status, 200u);
  EXPECT_EQ(h.call(bhttp::verb::get, "/metrics", "", std::nullopt).status, 200u);
}

TEST(SignApiTest, UnknownPathsAndWrongMethodsAreAnsweredAsSuch) {
  SignerHarness h;
  EXPECT_EQ(h.get("/v1/nothing").status, 404u);
  EXPECT_EQ(h.get("/v1/sign").status, 405u);
  EXPECT_EQ(h.post("/v1/info", json::object()).status, 405u);
  EXPECT_EQ(h.get("/elsewhere").status, 404u);
}

TEST(SignApiTest, SlowLorisClientIsCutOffAndTheSignerKeepsServing) {
  http::ServerOptions options;
  options.header_timeout = 300ms;
  SignerHarness h(std::nullopt, options);
  net::io_context ioc;
  net::ip::tcp::socket slow(ioc);
  slow.connect({net::ip::make_address("127.0.0.1"), h.port()});
  net::write(slow, net::buffer(std::string("POST /v1/sign HTTP/1.1\r\nHost: x\r\nAuthor")));
  EXPECT_EQ(h.get("/v1/info").status, 200u);
  char c;
  boost::system::error_code ec;
  slow.read_some(net::buffer(&c, 1), ec);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_EQ(h.get("/healthz").status, 200u);
}

TEST(PublicKeyApiTest, AnswersTheEpochKeyWithAQuoteBindingItToTheNonce) {
  SignerHarness h;
  auto r = h.get("/v1/epochs/7/public-key?nonce=00112233445566778899");
  ASSERT_EQ(r.status, 200u) << r.raw;
  EXPECT_EQ(r.body["epoch"], 7);
  EXPECT_TRUE(r.body["simulated"].get<bool>());
  Bytes pk = unhex(r.body["publicKey"].get<std::string>());
  ASSERT_EQ(pk.size(), 65u);
  auto expected = epoch::epoch_report_data(7, pk, unhex("00112233445566778899"));
  EXPECT_EQ(r.body["reportData"], hex_encode(expected));
  auto quote = epoch::parse_tdx_quote(unhex(r.body["quote"].get<std::string>()));
  ASSERT_TRUE(quote) << quote.error().message;
  EXPECT_EQ(quote->report_data, expected);
  EXPECT_EQ(r.body["composeHash"].get<std::string>().size(), 64u);
  EXPECT_EQ(r.body["appId"].get<std::string>().size(), 40u);
  // The same epoch gives the same key; another epoch another key.
  EXPECT_EQ(h.epoch_public_key(7), pk);
  EXPECT_NE(h.epoch_public_key(8), pk);
  EXPECT_EQ(h.get("/v1/epochs/0/public-key").body["error"]["code"], "UNKNOWN_EPOCH");
  EXPECT_EQ(h.get("/v1/epochs/x/public-key").status, 400u);
  EXPECT_EQ(h.get("/v1/epochs/1/public-key?nonce=zz").body["error"]["code"], "BAD_NONCE");
  EXPECT_EQ(h.get("/v1/epochs/1/public-key?nonce=" + std::string(130, 'a')).status, 400u);
}

TEST(PublicKeyApiTest, AMalformedNonceIsRefusedNeverTakenAsNoNonce) {
  SignerHarness h;
  for (const std::string& bad : std::vector<std::string>{
           "%zz", "%4", "ab%", "%g1", "abc", "0g", "ab%2", "ab+cd", std::string(129, 'a'),
           std::string(130, 'a'), "%" + std::string(2, 'x')}) {
    auto r = h.get("/v1/epochs/1/public-key?nonce=" + bad);
    EXPECT_EQ(r.status, 400u) << bad << ": " << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "BAD_NONCE") << bad;
  }
  // Well-formed ones, percent-encoded or not, are bound into the report data.
  auto plain = h.get("/v1/epochs/1/public-key?nonce=00ff");
  auto encoded = h.get("/v1/epochs/1/public-key?nonce=%30%30%66%66");
  ASSERT_EQ(plain.status, 200u) << plain.raw;
  ASSERT_EQ(encoded.status, 200u) << encoded.raw;
  EXPECT_EQ(plain.body["reportData"], encoded.body["reportData"]);
  auto none = h.get("/v1/epochs/1/public-key");
  ASSERT_EQ(none.status, 200u);
  EXPECT_NE(none.body["reportData"], plain.body["reportData"]);
  EXPECT_EQ(h.get("/v1/epochs/1/public-key?nonce=" + std::string(128, 'a')).status, 200u);
}

TEST(InfoApiTest, SaysSimulatedAndTheLimits) {
  SignerHarness h;
  auto r = h.get("/v1/info");
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(r.body["simulated"].get<bool>());
  EXPECT_EQ(r.body["maxBatch"], 50);
  EXPECT_EQ(r.body["maxLifetimeSeconds"], 168 * 3600);
  EXPECT_FALSE(r.body["externalRewrap"].get<bool>());
}

TEST(MetricsApiTest, CountsRequestsAndEntriesByCode) {
  SignerHarness h;
  Folder f = make_folder(0x51);
  h.sign(1, json::array({h.entry(f, 1, 4), h.entry(f, 1, 2)}));
  auto r = h.call(bhttp::verb::get, "/metrics", "", std::nullopt);
  EXPECT_NE(r.raw.find("cipherbox_signer_entries_total{op=\"sign\",result=\"ok\"} 1"),
            std::string::npos)
      << r.raw;
  EXPECT_NE(r.raw.find("result=\"SEQUENCE_NOT_NEWER\"} 1"), std::string::npos);
  EXPECT_NE(r.raw.find("cipherbox_signer_requests_total{code=\"200\",route=\"/v1/sign\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace cbx::signer::test

namespace cbx::signer::test {
namespace {

TEST(AuthTest, SchemeIsCaseInsensitiveTokenIsNot) {
  auto seed = unhex(kSimulatorSeedHex);
  auto provider = SimulatorKeyProvider::create(SecretBytes(seed.data(), seed.size())).value();
  NullMetrics metrics;
  SignerConfig config;
  config.token = SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
  SignerService service(*provider, std::move(config), metrics);
  auto status = [&](std::string header) {
    return service.handle({"GET", "/v1/info", {{"authorization", std::move(header)}}, ""}).status;
  };
  EXPECT_EQ(status(std::string("Bearer ") + kToken), 200u);
  EXPECT_EQ(status(std::string("bearer ") + kToken), 200u);
  EXPECT_EQ(status(std::string("BEARER ") + kToken), 200u);
  std::string upper = kToken;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(status("Bearer " + upper), 401u);
  EXPECT_EQ(status(std::string("Basic ") + kToken), 401u);
  EXPECT_EQ(status("Bearer"), 401u);
  EXPECT_EQ(status(kToken), 401u);
}

}  // namespace
}  // namespace cbx::signer::test

namespace cbx::signer::test {
namespace {

TEST(ConcurrencyTest, ParallelClientsOnSeveralServerThreadsAllGetValidRecords) {
  http::ServerOptions options;
  options.threads = 3;
  SignerHarness h(std::nullopt, options);
  std::vector<Folder> folders;
  for (int i = 0; i < 4; ++i) folders.push_back(make_folder(static_cast<std::uint8_t>(0x90 + i)));
  std::vector<json> bodies;
  for (int i = 0; i < 4; ++i) {
    json entries = json::array();
    for (int k = 0; k < 5; ++k) entries.push_back(h.entry(folders[i], 1 + k % 2, 4 + k));
    bodies.push_back({{"currentEpoch", 2}, {"entries", entries}});
  }
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      for (int round = 0; round < 5; ++round) {
        auto r = h.post("/v1/sign", bodies[i]);
        for (const auto& result : r.body["results"]) {
          auto record = base64_decode(result.value("record", ""));
          bool valid =
              result["ok"].get<bool>() && record &&
              ipns::validate_record(ipns::parse_name(folders[i].name).value(), *record, now()).ok();
          (valid ? good : bad)++;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 4 * 5 * 5);
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace cbx::signer::test
