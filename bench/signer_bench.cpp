// Signer throughput against the per-entry crypto floor, measured in the same run (issue 3):
//   floor  = one secp256k1 ECDH (libsecp256k1, ephemeral key parse included), HKDF-SHA256 and
//            AES-256-GCM (OpenSSL), Ed25519 public key + two signatures (libsodium), each timed
//            on the raw library call;
//   signer = SignerService::handle on /v1/sign batches of 50, in-process on one thread, and
//            through HTTP (Beast server, N worker threads, 2 concurrent keep-alive clients).
// After the Google Benchmark table it prints each throughput per core and its ratio to the floor.
// "Per core" through HTTP divides by the server's worker threads (the clients share the machine).
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <sodium.h>

// Boost 1.74 needs <utility> first: keep this block unsorted.
// clang-format off
#include <utility>  // before Boost 1.74 asio (it misses this include)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <thread>

#include "cbx/base/log.h"
#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/http/server.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "signer/signer_service.h"
#include "signer/simulator_key_provider.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using nlohmann::json;

constexpr std::size_t kBatch = 50;
constexpr const char* kToken = "bench-token-0123456789";

// ---- the floor, on the raw libraries -----------------------------------------------------------

int copy_uncompressed(unsigned char* out, const unsigned char* x, const unsigned char* y, void*) {
  out[0] = 0x04;
  std::memcpy(out + 1, x, 32);
  std::memcpy(out + 33, y, 32);
  return 1;
}

struct FloorInputs {
  secp256k1_context* ctx =
      secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
  unsigned char receiver[32];
  unsigned char ephemeral[65];
  unsigned char ikm[130];
  unsigned char aes_key[32];
  unsigned char nonce[16];
  unsigned char tag[16];
  unsigned char ciphertext[32];
  unsigned char seed[32];
  unsigned char sk[64];

  FloorInputs() {
    if (sodium_init() < 0) std::abort();
    randombytes_buf(receiver, 32);
    unsigned char eph_secret[32];
    randombytes_buf(eph_secret, 32);
    secp256k1_pubkey pub;
    if (!secp256k1_ec_pubkey_create(ctx, &pub, eph_secret)) std::abort();
    std::size_t len = 65;
    secp256k1_ec_pubkey_serialize(ctx, ephemeral, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    std::memset(ikm, 0x5a, sizeof ikm);
    randombytes_buf(aes_key, 32);
    randombytes_buf(nonce, 16);
    randombytes_buf(seed, 32);
    unsigned char plain[32] = {1};
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    int n = 0;
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, nullptr);
    EVP_EncryptInit_ex(c, nullptr, nullptr, aes_key, nonce);
    EVP_EncryptUpdate(c, ciphertext, &n, plain, 32);
    EVP_EncryptFinal_ex(c, ciphertext + n, &n);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag);
    EVP_CIPHER_CTX_free(c);
    unsigned char pk[32];
    crypto_sign_seed_keypair(pk, sk, seed);
  }
};

FloorInputs& floor_inputs() {
  static FloorInputs in;
  return in;
}

void BM_Floor_Ecdh(benchmark::State& state) {
  auto& in = floor_inputs();
  unsigned char shared[65];
  for (auto _ : state) {
    secp256k1_pubkey point;
    if (!secp256k1_ec_pubkey_parse(in.ctx, &point, in.ephemeral, 65)) std::abort();
    if (!secp256k1_ecdh(in.ctx, shared, &point, in.receiver, copy_uncompressed, nullptr))
      std::abort();
    benchmark::DoNotOptimize(shared);
  }
}
BENCHMARK(BM_Floor_Ecdh);

void BM_Floor_Hkdf(benchmark::State& state) {
  auto& in = floor_inputs();
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  char digest[] = "SHA256";
  unsigned char out[32];
  for (auto _ : state) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, in.ikm, sizeof in.ikm),
        OSSL_PARAM_construct_end()};
    if (EVP_KDF_derive(ctx, out, sizeof out, params) != 1) std::abort();
    benchmark::DoNotOptimize(out);
  }
  EVP_KDF_CTX_free(ctx);
  EVP_KDF_free(kdf);
}
BENCHMARK(BM_Floor_Hkdf);

void BM_Floor_AesGcm(benchmark::State& state) {
  auto& in = floor_inputs();
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  unsigned char plain[32];
  for (auto _ : state) {
    int n = 0;
    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 16, nullptr);
    EVP_DecryptInit_ex(c, nullptr, nullptr, in.aes_key, in.nonce);
    EVP_DecryptUpdate(c, plain, &n, in.ciphertext, 32);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, in.tag);
    if (EVP_DecryptFinal_ex(c, plain + n, &n) != 1) std::abort();
    benchmark::DoNotOptimize(plain);
  }
  EVP_CIPHER_CTX_free(c);
}
BENCHMARK(BM_Floor_AesGcm);

void BM_Floor_Ed25519PublicKey(benchmark::State& state) {
  auto& in = floor_inputs();
  unsigned char pk[32], sk[64];
  for (auto _ : state) {
    crypto_sign_seed_keypair(pk, sk, in.seed);
    benchmark::DoNotOptimize(pk);
  }
  sodium_memzero(sk, sizeof sk);
}
BENCHMARK(BM_Floor_Ed25519PublicKey);

void BM_Floor_Ed25519Sign(benchmark::State& state) {  // Arg: message size (98 V1, 167 V2)
  auto& in = floor_inputs();
  std::vector<unsigned char> msg(static_cast<std::size_t>(state.range(0)), 0xa5);
  unsigned char sig[64];
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), in.sk);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_Floor_Ed25519Sign)->Arg(98)->Arg(167);

// ---- the signer --------------------------------------------------------------------------------

struct SignerFixture {
  std::unique_ptr<cbx::signer::SimulatorKeyProvider> provider;
  cbx::signer::NullMetrics metrics;
  std::string body;

  SignerFixture() {
    cbx::log::set_level(cbx::log::Level::warn);
    cbx::Bytes sim_seed(32, 0x0f);
    provider =
        cbx::signer::SimulatorKeyProvider::create(cbx::SecretBytes(sim_seed.data(), 32)).value();
    auto epoch_key = provider->derive_epoch_key(1).value();
    auto epoch_pub = cbx::secp256k1::public_key(epoch_key).value();
    json entries = json::array();
    for (std::size_t i = 0; i < kBatch; ++i) {
      cbx::Bytes seed(32, static_cast<std::uint8_t>(i + 1));
      auto key = cbx::ed25519::key_pair_from_seed(seed).value();
      std::string value = "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
      auto owner = cbx::ipns::make_record(
                       key, {value, "2099-01-01T00:00:00.000000000Z", 5, cbx::ipns::kDefaultTtlNs})
                       .value();
      entries.push_back(
          {{"id", "ns/folder-" + std::to_string(i)},
           {"ipnsName", cbx::ipns::name_from_ed25519(key.public_key).text()},
           {"encryptedKey", cbx::base64_encode(cbx::ecies::encrypt(epoch_pub, seed).value())},
           {"keyEpoch", 1},
           {"value", value},
           {"proofRecord", cbx::base64_encode(owner)},
           {"sequence", "6"},
           {"lifetimeSeconds", 48 * 3600},
           {"ttlSeconds", 300}});
    }
    body = json{{"currentEpoch", 1}, {"entries", entries}}.dump();
  }

  std::unique_ptr<cbx::signer::SignerService> make_service() {
    cbx::signer::SignerConfig config;
    config.token =
        cbx::SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
    return std::make_unique<cbx::signer::SignerService>(*provider, std::move(config), metrics);
  }

  cbx::http::Request request() const {
    return {"POST", "/v1/sign", {{"Authorization", std::string("Bearer ") + kToken}}, body};
  }
};

SignerFixture& fixture() {
  static SignerFixture f;
  return f;
}

void check_all_signed(const std::string& response_body) {
  auto r = json::parse(response_body);
  if (r["results"].size() != kBatch) std::abort();
  for (const auto& e : r["results"]) {
    if (!e["ok"].get<bool>()) {
      std::fprintf(stderr, "entry failed: %s\n", e.dump().c_str());
      std::abort();
    }
  }
}

// Steady state: the proof is a record this signer has seen (its own previous one, in production).
void BM_Signer_InProcess(benchmark::State& state) {
  auto& f = fixture();
  auto service = f.make_service();
  auto req = f.request();
  check_all_signed(service->handle(req).body);
  for (auto _ : state) {
    auto res = service->handle(req);
    benchmark::DoNotOptimize(res.body.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_Signer_InProcess)->Unit(benchmark::kMillisecond);

// Cold: a fresh service each batch, so every proof's signature is verified (one Ed25519 verify
// more per entry) and the epoch key is derived again.
void BM_Signer_InProcessColdProof(benchmark::State& state) {
  auto& f = fixture();
  auto req = f.request();
  for (auto _ : state) {
    auto service = f.make_service();
    auto res = service->handle(req);
    benchmark::DoNotOptimize(res.body.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_Signer_InProcessColdProof)->Unit(benchmark::kMillisecond);

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct KeepAliveClient {
  net::io_context ioc;
  net::ip::tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> req;

  KeepAliveClient(std::uint16_t port, const std::string& body)
      : req(bhttp::verb::post, "/v1/sign", 11) {
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    socket.set_option(net::ip::tcp::no_delay(true));
    req.set(bhttp::field::host, "localhost");
    req.set(bhttp::field::authorization, std::string("Bearer ") + kToken);
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  std::string post() {
    bhttp::write(socket, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    if (res.result_int() != 200) std::abort();
    return std::move(res.body());
  }
};

// Arg: server worker threads. 2 clients, each 10 sequential keep-alive requests per iteration.
void BM_Signer_Http(benchmark::State& state) {
  constexpr int kClients = 2, kRequestsPerClient = 10;
  auto& f = fixture();
  auto service = f.make_service();
  cbx::http::ServerOptions options;
  options.threads = static_cast<std::size_t>(state.range(0));
  cbx::http::Server server([&](const cbx::http::Request& r) { return service->handle(r); },
                           options);
  auto port = server.listen_tcp("127.0.0.1", 0).value();
  server.start();
  std::vector<std::unique_ptr<KeepAliveClient>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(std::make_unique<KeepAliveClient>(port, f.body));
  check_all_signed(clients[0]->post());
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (auto& c : clients) {
      threads.emplace_back([&c] {
        for (int r = 0; r < kRequestsPerClient; ++r) benchmark::DoNotOptimize(c->post().size());
      });
    }
    for (auto& t : threads) t.join();
  }
  const double cpu_used = process_cpu_seconds() - cpu_start;
  const double entries =
      static_cast<double>(state.iterations() * kClients * kRequestsPerClient * kBatch);
  state.SetItemsProcessed(static_cast<std::int64_t>(entries));
  // Entries per CPU-second of the whole process (server threads and the clients' own work):
  // unlike wall-clock throughput it does not depend on what else the machine is running.
  state.counters["entries_per_cpu_s"] = entries / cpu_used;
  clients.clear();
  server.shutdown();
}
BENCHMARK(BM_Signer_Http)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- the ratios ------------------------------------------------------------------------------

class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  struct Figures {
    double ns_per_iteration = 0;  // CPU time
    double items_per_second = 0;
    double entries_per_cpu_s = 0;
  };
  std::map<std::string, Figures> figures;

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      double ns = run.GetAdjustedCPUTime() * (run.time_unit == benchmark::kMillisecond ? 1e6 : 1.0);
      Figures fig{ns, 0, 0};
      if (auto it = run.counters.find("entries_per_cpu_s"); it != run.counters.end()) {
        fig.entries_per_cpu_s = it->second;
      }
      if (auto it = run.counters.find("items_per_second"); it != run.counters.end())
        fig.items_per_second = it->second;
      figures[run.benchmark_name()] = fig;
    }
  }
};

void print_summary(const RecordingReporter& r) {
  auto ns = [&](const std::string& name) {
    auto it = r.figures.find(name);
    return it == r.figures.end() ? 0.0 : it->second.ns_per_iteration;
  };
  auto ips = [&](const std::string& name) {
    auto it = r.figures.find(name);
    return it == r.figures.end() ? 0.0 : it->second.items_per_second;
  };
  double floor_ns = ns("BM_Floor_Ecdh") + ns("BM_Floor_Hkdf") + ns("BM_Floor_AesGcm") +
                    ns("BM_Floor_Ed25519PublicKey") + ns("BM_Floor_Ed25519Sign/98") +
                    ns("BM_Floor_Ed25519Sign/167");
  if (floor_ns <= 0) return;  // a filtered run: nothing to compare
  double floor_eps = 1e9 / floor_ns;
  std::printf("\n== signer vs crypto floor (same run)\n");
  std::printf(
      "crypto floor: %.1f us/entry = %.0f entries/s/core "
      "(ECDH %.1f + HKDF %.1f + AES-GCM %.1f + Ed25519 pk %.1f + 2 signatures %.1f us)\n",
      floor_ns / 1e3, floor_eps, ns("BM_Floor_Ecdh") / 1e3, ns("BM_Floor_Hkdf") / 1e3,
      ns("BM_Floor_AesGcm") / 1e3, ns("BM_Floor_Ed25519PublicKey") / 1e3,
      (ns("BM_Floor_Ed25519Sign/98") + ns("BM_Floor_Ed25519Sign/167")) / 1e3);
  auto line = [&](const char* label, double eps, double cores, const char* target) {
    if (eps <= 0) return;
    double per_core = eps / cores;
    std::printf("%-60s %8.0f entries/s/core  ratio %.2f  (target %s)\n", label, per_core,
                per_core / floor_eps, target);
  };
  auto cpu = [&](const std::string& name) {
    auto it = r.figures.find(name);
    return it == r.figures.end() ? 0.0 : it->second.entries_per_cpu_s;
  };
  line("in-process, batches of 50, 1 thread (thread CPU)", ips("BM_Signer_InProcess"), 1, ">= 0.8");
  line("in-process, cold proofs (verify each)", ips("BM_Signer_InProcessColdProof"), 1, "-");
  line("HTTP, 2 keep-alive clients, 1 server thread (process CPU)",
       cpu("BM_Signer_Http/1/real_time"), 1, ">= 0.5");
  line("HTTP, 2 keep-alive clients, 2 server threads (process CPU)",
       cpu("BM_Signer_Http/2/real_time"), 1, ">= 0.5");
  line("HTTP, 2 clients, 1 server thread (wall clock)", ips("BM_Signer_Http/1/real_time"), 1, "-");
  line("HTTP, 2 clients, 2 server threads (wall clock / 2)", ips("BM_Signer_Http/2/real_time"), 2,
       "-");
  std::printf(
      "(process CPU counts the server threads and the bench's own HTTP clients; wall-clock "
      "figures\n"
      " depend on the load of this shared 2-core machine)\n");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  print_summary(reporter);
  return 0;
}
