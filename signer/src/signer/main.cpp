// cipherbox-signer: decrypts sealed IPNS keys inside a dstack CVM and signs records (DESIGN §5).
//   cipherbox-signer --listen HOST:PORT --token-file F
//       [--dstack-socket PATH | --insecure-simulator --simulator-seed-file F
//        [--simulator-compose-hash HEX] [--simulator-app-id HEX]]
//       [--authority-public-key HEX|none] [--max-batch 50] [--max-lifetime 168h]
#include <sys/prctl.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <thread>

#include "cbx/base/duration.h"
#include "cbx/base/log.h"
#include "cbx/http/server.h"
#include "signer/config_files.h"
#include "signer/dstack_key_provider.h"
#include "signer/signer_service.h"
#include "signer/simulator_key_provider.h"
#include "signer/target_attestation.h"
#include "signer_metrics/prometheus_metrics.h"

namespace {

using namespace cbx;
using namespace cbx::signer;

struct Flags {
  std::string listen;
  std::string token_file;
  std::string dstack_socket;
  bool insecure_simulator = false;
  std::string simulator_seed_file;
  std::string simulator_compose_hash;
  std::string simulator_app_id;
  std::string authority_public_key;
  std::size_t max_batch = 50;
  std::string max_lifetime = "168h";
  std::size_t threads = 0;
  std::string log_level = "info";
};

// No core dumps and no ptrace by other processes of the same user: the process holds keys.
void harden_process() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit no_core {
    0, 0
  };
  ::setrlimit(RLIMIT_CORE, &no_core);
}

int fail(const std::string& msg, int code) {
  log::error(msg);
  return code;
}

Result<SecretBytes> load_token(const Flags& f) {
  if (!f.token_file.empty()) return read_token_file(f.token_file);
  if (const char* env = std::getenv("CBX_SIGNER_TOKEN")) return token_from_text(env);
  return make_error("BAD_TOKEN", "--token-file or CBX_SIGNER_TOKEN is required");
}

Result<std::unique_ptr<KeyProvider>> make_provider(const Flags& f) {
  if (f.insecure_simulator) {
    if (f.simulator_seed_file.empty()) {
      return make_error("BAD_FLAGS", "--insecure-simulator needs --simulator-seed-file");
    }
    auto seed = read_simulator_seed_file(f.simulator_seed_file);
    if (!seed) return seed.error();
    auto sim = SimulatorKeyProvider::create(
        std::move(*seed),
        SimulatorKeyProvider::Identity{f.simulator_compose_hash, f.simulator_app_id});
    if (!sim) return sim.error();
    log::warn("INSECURE SIMULATOR: epoch keys come from a local seed file, not from a TEE");
    return std::unique_ptr<KeyProvider>(std::move(*sim));
  }
  std::string socket = f.dstack_socket.empty() ? default_dstack_socket() : f.dstack_socket;
  log::info("dstack guest agent", {{"socket", socket}});
  return std::unique_ptr<KeyProvider>(std::make_unique<DstackKeyProvider>(socket));
}

int run(const Flags& f) {
  log::set_level(log::level_from_string(f.log_level));
  auto address = http::parse_host_port(f.listen);
  if (!address) return fail("--listen: " + address.error().message, 2);
  auto lifetime = parse_duration(f.max_lifetime);
  if (!lifetime || *lifetime < std::chrono::seconds(1)) {
    return fail("--max-lifetime must be a duration such as 168h", 2);
  }
  if (f.max_batch == 0 || f.max_batch > 1000) return fail("--max-batch must be 1..1000", 2);
  SignerConfig config;
  auto token = load_token(f);
  if (!token) return fail(token.error().message, 2);
  config.token = std::move(*token);
  config.max_batch = f.max_batch;
  config.max_lifetime = std::chrono::duration_cast<std::chrono::seconds>(*lifetime);
  auto authority = authority_key_from_flag(f.authority_public_key, std::getenv(kAuthorityKeyEnv));
  if (!authority) return fail(authority.error().message, 2);
  config.authority_public_key = *authority;
  auto provider = make_provider(f);
  if (!provider) return fail(provider.error().message, 2);
  // A simulator's rewrap targets are simulators: their chains are not checked (their report
  // data, event log and compose hash are). A real signer verifies every target's chain.
  config.target_policy.require_chain = !(*provider)->simulated();
  config.target_policy.chain = dcap_target_chain(attest::TrustAnchors::intel());

  auto metrics = make_prometheus_metrics((*provider)->simulated());
  SignerService service(**provider, std::move(config), *metrics);
  // No waiting for the key provider here: a hung guest agent must not keep /healthz unserved. Its
  // background check logs when it becomes reachable; /readyz answers 503 until then.

  http::ServerOptions options;
  options.threads = f.threads ? f.threads : std::max(1u, std::thread::hardware_concurrency());
  options.body_limit = 1 << 20;
  options.header_limit = 8 * 1024;
  options.header_timeout = std::chrono::seconds(10);
  options.body_timeout = std::chrono::seconds(20);
  http::block_termination_signals();
  http::Server server([&](const http::Request& req) { return service.handle(req); }, options);
  auto port = server.listen_tcp(address->host, address->port);
  if (!port) return fail(port.error().message, 1);
  server.start();
  std::string shown_host =
      address->host.find(':') != std::string::npos ? "[" + address->host + "]" : address->host;
  log::info("listening", {{"address", shown_host + ":" + std::to_string(*port)},
                          {"simulated", (*provider)->simulated()},
                          {"threads", options.threads}});
  int sig = http::wait_for_termination_signal();
  log::info("shutting down", {{"signal", sig}});
  server.shutdown(std::chrono::seconds(20));
  log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  harden_process();
  Flags f;
  CLI::App app{"cipherbox-signer: signs IPNS records with keys sealed to TEE epoch keys"};
  app.add_option("--listen", f.listen, "HOST:PORT to serve the API on")->required();
  app.add_option("--token-file", f.token_file,
                 "file holding the bearer token (else env CBX_SIGNER_TOKEN)");
  auto* dstack = app.add_option("--dstack-socket", f.dstack_socket, "dstack guest agent socket");
  auto* sim = app.add_flag("--insecure-simulator", f.insecure_simulator,
                           "derive epoch keys from a local seed (tests/demos only)");
  app.add_option("--simulator-seed-file", f.simulator_seed_file, "seed for --insecure-simulator");
  app.add_option("--simulator-compose-hash", f.simulator_compose_hash,
                 "--insecure-simulator: compose hash its event log measures (64 hex)");
  app.add_option("--simulator-app-id", f.simulator_app_id,
                 "--insecure-simulator: app id its event log measures (40 hex)");
  // Never from the environment (config_files.h authority_key_from_flag).
  app.add_option("--authority-public-key", f.authority_public_key,
                 "Ed25519 rotation authority key, 64 hex chars (enables approved external "
                 "rewrap), or none");
  app.add_option("--max-batch", f.max_batch, "entries per request")->capture_default_str();
  app.add_option("--max-lifetime", f.max_lifetime, "cap on record lifetime")->capture_default_str();
  app.add_option("--threads", f.threads, "HTTP worker threads (default: CPU count)");
  app.add_option("--log-level", f.log_level, "debug|info|warn|error")->capture_default_str();
  dstack->excludes(sim);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return run(f);
}
