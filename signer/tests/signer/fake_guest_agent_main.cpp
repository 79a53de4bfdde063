// cbx_fake_dstack_agent --socket PATH --app-key-hex HEX [--no-version] [--compose-hash HEX64]
//                       [--app-id HEX40]
// Serves the fake guest agent (fake_guest_agent.h) on a Unix socket until SIGINT/SIGTERM. Used by
// tests/interop/signer to run the real @phala/dstack-sdk and cipherbox-signer against it.
#include <iostream>

#include "cbx/base/log.h"
#include "cbx/http/server.h"
#include "fake_guest_agent.h"

int main(int argc, char** argv) {
  std::string socket, app_key_hex;
  std::string compose_hash = cbx::signer::test::FakeGuestAgent::kComposeHash, app_id;
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
  }
  auto app_key = cbx::hex_decode(app_key_hex);
  if (socket.empty() || !app_key || app_key->size() < 32) {
    std::cerr << "usage: cbx_fake_dstack_agent --socket PATH --app-key-hex HEX(32+ bytes) "
                 "[--no-version] [--compose-hash HEX64] [--app-id HEX40]\n";
    return 2;
  }
  cbx::signer::test::FakeGuestAgent agent(*app_key, has_version, compose_hash, app_id);
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
