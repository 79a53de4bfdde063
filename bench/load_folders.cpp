// Creates N IpnsRepublish objects for the operator benchmark, in parallel through the Kubernetes
// API: each with a fresh folder key sealed to the epoch's public key and an owner record for its
// CID in spec.ownerRecord (so no owner publication is needed). Prints the seconds it took.
//   cbx_load_folders --kubeconfig F --epoch-public-key HEX --count 10000 [--namespace bench]
// With --patch-status it instead measures what the API server sustains for plain status merge
// patches (one small field, no precondition) on the folders created before, and prints the rate.
//   cbx_load_folders --kubeconfig F --patch-status --count 10000 [--threads 32]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "cbx/base/encoding.h"
#include "cbx/crypto/ecies.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/crypto/hash.h"
#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/resource.h"

namespace {

std::string cid_for(int i) {
  auto digest = cbx::sha256(cbx::as_bytes("bench-folder-" + std::to_string(i)));
  cbx::Bytes bytes(4 + digest.size());
  bytes[0] = 0x01, bytes[1] = 0x55, bytes[2] = 0x12, bytes[3] = 0x20;  // CIDv1 raw sha2-256
  std::copy(digest.begin(), digest.end(), bytes.begin() + 4);
  return "b" + cbx::base32_encode(bytes);
}

nlohmann::json folder(int i, const cbx::Bytes& epoch_key, const std::string& ns) {
  auto seed = cbx::ed25519::generate_seed();
  auto key = cbx::ed25519::key_pair_from_seed(seed.span());
  auto cid = cid_for(i);
  auto validity = cbx::ipns::format_validity(std::chrono::time_point_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now() + std::chrono::hours(48)));
  auto record = cbx::ipns::make_record(*key, {"/ipfs/" + cid, validity, 1});
  auto sealed = cbx::ecies::encrypt(epoch_key, seed.span());
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "IpnsRepublish"},
          {"metadata", {{"name", "folder-" + std::to_string(i)}, {"namespace", ns}}},
          {"spec",
           {{"ipnsName", cbx::ipns::name_from_ed25519(key->public_key).text()},
            {"cid", cid},
            {"ownerRecord", cbx::base64_encode(*record)},
            {"encryptedKey", cbx::base64_encode(*sealed)},
            {"keyEpoch", 1}}}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"creates IpnsRepublish objects for the operator benchmark"};
  std::string kubeconfig, public_key_hex, ns = "bench";
  int count = 1000, threads = 8;
  app.add_option("--kubeconfig", kubeconfig)->required();
  bool patch_status = false;
  app.add_option("--epoch-public-key", public_key_hex);
  app.add_flag("--patch-status", patch_status, "measure plain status patches instead");
  app.add_option("--count", count);
  app.add_option("--namespace", ns);
  app.add_option("--threads", threads);
  CLI11_PARSE(app, argc, argv);
  auto epoch_key = cbx::hex_decode(public_key_hex);
  auto config = cbx::kube::load_kubeconfig_file(kubeconfig);
  if ((!patch_status && (public_key_hex.empty() || !epoch_key)) || !config) {
    std::cerr << "bad --epoch-public-key or kubeconfig\n";
    return 2;
  }
  cbx::kube::KubeClientOptions options;
  options.qps = 1000;
  options.burst = 1000;
  auto client = cbx::kube::KubeClient::from_config(std::move(*config), options);
  if (!client) {
    std::cerr << client.error().message << "\n";
    return 1;
  }
  std::atomic<int> next{0}, failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        auto name = "folder-" + std::to_string(i);
        auto created =
            patch_status
                ? (*client)->patch(cbx::kube::resources::kIpnsRepublish, ns, name,
                                   cbx::kube::PatchType::merge,
                                   {{"status", {{"observedGeneration", 1 + i % 7}}}}, "status")
                : (*client)->create(cbx::kube::resources::kIpnsRepublish, ns,
                                    folder(i, *epoch_key, ns));
        if (!created && created.error().code != "CONFLICT") {
          if (failed++ < 5) std::cerr << "folder-" << i << ": " << created.error().message << "\n";
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (patch_status) {
    std::cout << "status patches: " << count - failed << " in " << seconds << " s ("
              << static_cast<long>((count - failed) / seconds) << "/s with " << threads
              << " clients)\n";
  } else {
    std::cout << "created " << count - failed << " folders in " << seconds << " s\n";
  }
  return failed ? 1 : 0;
}
