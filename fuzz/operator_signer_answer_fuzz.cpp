// The operator's signer client (clients/signer_client.cpp + signer_answers.cpp) on arbitrary
// answers: input byte 0 picks the call (sign, rewrap, public key, info) and the status
// (200 or a 4xx/5xx), byte 1 the Content-Type, the rest is the body. Must never throw or crash;
// a successful sign/rewrap has exactly one result per entry sent, with the documented fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "clients/signer_client.h"
#include "scripted_transport.h"

namespace {

using cbx::op::SignEntry;

const char* kTypes[] = {"application/json", "application/json; charset=utf-8", "text/html", ""};
const int kStatuses[] = {200, 200, 200, 200, 400, 401, 403, 413, 500, 503, 302, 204};

std::vector<SignEntry> entries() {
  std::vector<SignEntry> out(3);
  out[0].id = "ns/a";
  out[1].id = "ns/b";
  out[2].id = "other/c";
  return out;
}

void check_ids(const std::set<std::string>& ids) {
  if (ids != std::set<std::string>{"ns/a", "ns/b", "other/c"}) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  cbx::http::Response response;
  response.status = kStatuses[(data[0] >> 2) % std::size(kStatuses)];
  if (const char* type = kTypes[data[1] % std::size(kTypes)]; *type) {
    response.headers.emplace_back("Content-Type", type);
  }
  response.body.assign(reinterpret_cast<const char*>(data + 2), size - 2);
  cbx::fuzz::OneResponse transport(std::move(response));
  std::string token = "t";
  cbx::op::SignerClient client(
      transport, "http://signer",
      cbx::SecretBytes(reinterpret_cast<const std::uint8_t*>(token.data()), token.size()));
  switch (data[0] % 4) {
    case 0: {
      auto results = client.sign(1, entries());
      if (!results) break;
      std::set<std::string> ids;
      for (const auto& r : *results) {
        if (!ids.insert(r.id).second) std::abort();
        if (r.ok && (r.record.empty() || r.validity.empty())) std::abort();
        if (!r.ok && r.error_code.empty()) std::abort();
      }
      check_ids(ids);
      break;
    }
    case 1: {
      std::vector<cbx::op::RewrapEntry> rewrap;
      for (const auto& e : entries()) rewrap.push_back({e.id, "", "AAAA", 1});
      cbx::op::RewrapTarget target;
      target.epoch = 2;
      target.public_key_hex = std::string(130, 'a');
      target.compose_hash_hex = "cc";
      target.approval = "c2ln";
      auto results = client.rewrap(target, rewrap);
      if (!results) break;
      std::set<std::string> ids;
      for (const auto& r : *results) {
        if (!ids.insert(r.id).second) std::abort();
        if (r.ok && r.encrypted_key.empty()) std::abort();
      }
      check_ids(ids);
      break;
    }
    case 2: {
      auto key = client.epoch_public_key(1, "00");
      if (key && key->public_key_hex.size() != 130) std::abort();
      break;
    }
    default: {
      auto info = client.info();
      if (info && !info->is_object()) std::abort();
      break;
    }
  }
  return 0;
}
