// cbx_fake_dstack_agent --socket PATH --app-key-hex HEX [--no-version] [--compose-hash HEX64]
//                       [--app-id HEX40] [--test-chain DIR]
// Serves the fake guest agent (fake_guest_agent.h) on a Unix socket until SIGINT/SIGTERM. Used by
// tests/interop/signer to run the real @phala/dstack-sdk and cipherbox-signer against it, and by
// tests/e2e/attestation_test.sh as the "hardware": with --test-chain its quotes are signed through
// the TEST DCAP PKI saved in DIR (cbx_attest_testchain init DIR), so they verify end to end
// against that test root and no other.
#include <iostream>
#include <memory>
#include <mutex>

#include "attest/test_chain.h"
#include "cbx/base/log.h"
#include "cbx/http/server.h"
#include "fake_guest_agent.h"

int main(int argc, char** argv) {
  std::string socket, app_key_hex;
  std::string compose_hash = cbx::signer::test::FakeGuestAgent::kComposeHash, app_id;
  std::string test_chain_dir;
  bool has_version = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--socket" && i + 1 < argc)
      socket = argv[++i];
    else if (arg == "--app-key-hex" && i + 1 < argc)
      app_key_hex = argv[++i];
    else if (arg == "--no-version")
      has_version = false;
    else if (arg == "--compose-hash" && i + 1 < argc)
      compose_hash = argv[++i];
    else if (arg == "--app-id" && i + 1 < argc)
      app_id = argv[++i];
    else if (arg == "--test-chain" && i + 1 < argc)
      test_chain_dir = argv[++i];
  }
  auto app_key = cbx::hex_decode(app_key_hex);
  if (socket.empty() || !app_key || app_key->size() < 32) {
    std::cerr << "usage: cbx_fake_dstack_agent --socket PATH --app-key-hex HEX(32+ bytes) "
                 "[--no-version] [--compose-hash HEX64] [--app-id HEX40] [--test-chain DIR]\n";
    return 2;
  }
  cbx::signer::test::FakeGuestAgent::QuoteForger forger;
  if (!test_chain_dir.empty()) {
    auto chain = cbx::attest::testing::TestChain::load(test_chain_dir);
    if (!chain) {
      std::cerr << "--test-chain: " << chain.error().message << "\n";
      return 2;
    }
    auto shared = std::make_shared<cbx::attest::testing::TestChain>(std::move(*chain));
    auto mu = std::make_shared<std::mutex>();  // one quote at a time: the chain is not shared-safe
    forger = [shared, mu](const std::array<std::uint8_t, 64>& report_data,
                          const cbx::epoch::Measurement& mrtd,
                          const std::array<cbx::epoch::Measurement, 4>& rtmr) {
      cbx::attest::testing::QuoteSpec q;
      q.report_data = report_data;
      q.mrtd = mrtd;
      q.rtmr = rtmr;
      std::lock_guard lock(*mu);
      return shared->quote(q);
    };
  }
  cbx::signer::test::FakeGuestAgent agent(*app_key, has_version, compose_hash, app_id, forger);
  cbx::http::block_termination_signals();
  cbx::http::Server server([&](const cbx::http::Request& r) { return agent.handle(r); });
  if (auto st = server.listen_unix(socket); !st) {
    std::cerr << st.error().message << "\n";
    return 1;
  }
  server.start();
  cbx::log::info("listening", {{"socket", socket}});
  cbx::http::wait_for_termination_signal();
  server.shutdown();
  return 0;
}
