#include "record_cases.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cbx/crypto/ed25519.h"
#include "cbx/crypto/hash.h"
#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/value.h"
#include "cli/record_args.h"

namespace cbx::interop {
namespace {

constexpr std::uint64_t k2p53 = 1ULL << 53;
constexpr std::uint64_t k2p63 = 1ULL << 63;
constexpr std::uint64_t kEdgeSequences[] = {0,         1,         k2p53 - 1, k2p53,
                                            k2p53 + 1, k2p53 + 2, k2p63 - 1, k2p63,
                                            k2p63 + 1, ~0ULL,     ~0ULL - 1, 4294967296ULL};

std::uint64_t uniform(Rng& rng, std::uint64_t lo, std::uint64_t hi) {
  return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
}
bool chance(Rng& rng, int percent) {
  return uniform(rng, 0, 99) < static_cast<unsigned>(percent);
}

Bytes random_bytes(Rng& rng, std::size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

ipns::Cid random_cid(Rng& rng, bool v0) {
  const auto digest = sha256(random_bytes(rng, 16));
  ipns::Cid cid;
  cid.version = v0 ? 0 : 1;
  cid.codec = v0 || chance(rng, 60) ? ipns::kCodecDagPb : ipns::kCodecRaw;
  cid.multihash.assign(2 + digest.size(), 0);  // sha2-256 multihash: 12 20 <digest>
  cid.multihash[0] = 0x12;
  cid.multihash[1] = 0x20;
  std::copy(digest.begin(), digest.end(), cid.multihash.begin() + 2);
  return cid;
}

std::string random_value(Rng& rng) {
  switch (uniform(rng, 0, 9)) {
    case 0:
      return random_cid(rng, false).to_string();  // bare CIDs: normalized to /ipfs/<v1>
    case 1:
      return random_cid(rng, true).to_string();
    case 2: {
      const auto key = ed25519::key_pair_from_seed(random_bytes(rng, 32)).value();
      return "/ipns/" + ipns::name_from_ed25519(key.public_key).text();
    }
    case 3:
      return "/ipfs/" + random_cid(rng, false).to_string() + "/dir/file-" +
             std::to_string(uniform(rng, 0, 999)) + ".txt";
    case 4:
    case 5:
    case 6:
      return "/ipfs/" + random_cid(rng, true).to_string();
    default:
      return "/ipfs/" + random_cid(rng, false).to_string();
  }
}

std::uint64_t random_sequence(Rng& rng, int index) {
  constexpr int kEdges = sizeof(kEdgeSequences) / sizeof(kEdgeSequences[0]);
  if (index < kEdges) return kEdgeSequences[index];
  switch (uniform(rng, 0, 9)) {
    case 0:
    case 1:
      return uniform(rng, 0, 1'000'000);
    case 2:
    case 3:
      return k2p53 + uniform(rng, 0, 2000) - 1000;  // around 2^53
    case 4:
    case 5:
      return uniform(rng, k2p53, k2p63 - 1);  // above 2^53, int64-safe
    case 6:
      return k2p63 - 1 - uniform(rng, 0, 1000);  // just below 2^63
    case 7:
      return uniform(rng, k2p63, ~0ULL);  // JS-only range (boxo: int64)
    case 8:
      return ~0ULL - uniform(rng, 0, 1000);
    default:
      return rng();
  }
}

// "YYYY-MM-DDTHH:MM:SS[.f…]Z" with 0..9 fraction digits.
std::string validity_text(std::uint64_t year, Rng& rng) {
  char head[32];
  std::snprintf(head, sizeof head, "%04llu-%02llu-%02lluT%02llu:%02llu:%02llu",
                static_cast<unsigned long long>(year),
                static_cast<unsigned long long>(uniform(rng, 1, 12)),
                static_cast<unsigned long long>(uniform(rng, 1, 28)),
                static_cast<unsigned long long>(uniform(rng, 0, 23)),
                static_cast<unsigned long long>(uniform(rng, 0, 59)),
                static_cast<unsigned long long>(uniform(rng, 0, 59)));
  std::string out = head;
  const auto digits = chance(rng, 50) ? 9 : uniform(rng, 0, 9);
  if (digits > 0) {
    out += '.';
    for (std::uint64_t i = 0; i < digits; ++i) out += static_cast<char>('0' + uniform(rng, 0, 9));
  }
  return out + 'Z';
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<std::uint64_t> random_ttl(Rng& rng, bool cli_compatible) {
  switch (uniform(rng, 0, 9)) {
    case 0:
    case 1:
      return std::nullopt;
    case 2:
      return 0;
    case 3:
    case 4:
    case 5:
      return uniform(rng, 1, 48 * 3600) * 1'000'000'000ULL;
    default:
      return cli_compatible ? uniform(rng, 1, 9'000'000'000'000'000'000ULL)
                            : rng();  // --ttl tops out near 2^63 ns
  }
}

}  // namespace

std::string random_hex(Rng& rng, std::size_t bytes) {
  return hex_encode(random_bytes(rng, bytes));
}

RecordCase random_record_case(Rng& rng, int index, const RandomCaseOptions& options) {
  RecordCase c;
  c.id = "case-" + std::to_string(index);
  c.seed_hex = random_hex(rng, 32);
  c.value = random_value(rng);
  c.sequence = random_sequence(rng, index);
  c.now_ms = now_ms();
  const int kind = static_cast<int>(uniform(rng, 0, 99));
  const std::uint64_t this_year = 1970 + static_cast<std::uint64_t>(c.now_ms / 31'556'952'000LL);
  if (options.allow_expired && kind < 8) {
    c.validity = validity_text(uniform(rng, 2000, this_year - 1), rng);
    c.expired = true;
  } else if (options.allow_lifetime && kind < 30) {
    c.lifetime_ms = static_cast<std::int64_t>(uniform(rng, 60'000, 10ULL * 365 * 86'400'000));
  } else {
    // Up to year 5000 only: the ipns package's timestamp-nano maps years 5170-8769 to dates
    // 3200 years earlier, so its validator calls such records expired (see README.md).
    c.validity = validity_text(uniform(rng, this_year + 2, chance(rng, 20) ? 5000 : 2200), rng);
  }
  c.ttl_ns = random_ttl(rng, options.cli_compatible);
  c.v2_only = chance(rng, 30);
  return c;
}

nlohmann::json RecordCase::make_request() const {
  nlohmann::json r = {{"id", id},
                      {"seedHex", seed_hex},
                      {"value", value},
                      {"sequence", std::to_string(sequence)},
                      {"v2Only", v2_only}};
  if (validity) r["validity"] = *validity;
  if (lifetime_ms) {
    r["lifetimeMs"] = *lifetime_ms;
    r["nowMs"] = now_ms;
  }
  if (ttl_ns) r["ttlNs"] = std::to_string(*ttl_ns);
  return r;
}

std::string RecordCase::describe() const {
  return id + " value=" + value + " sequence=" + std::to_string(sequence) +
         " validity=" + (validity ? *validity : "now+" + std::to_string(*lifetime_ms) + "ms") +
         " ttl=" + (ttl_ns ? std::to_string(*ttl_ns) : "default") + (v2_only ? " v2-only" : "");
}

Result<ipns::RecordFields> cpp_record_fields(const RecordCase& c) {
  ipns::RecordFields fields;
  auto value = ipns::normalize_value(c.value);
  if (!value) return value.error();
  fields.value = std::move(*value);
  fields.sequence = c.sequence;
  if (c.ttl_ns) fields.ttl_ns = *c.ttl_ns;
  auto validity =
      c.validity ? cli::canonical_validity("--validity", *c.validity)
                 : cli::validity_from_lifetime(ipns::TimePoint(std::chrono::milliseconds(c.now_ms)),
                                               std::chrono::milliseconds(*c.lifetime_ms));
  if (!validity) return validity.error();
  fields.validity = std::move(*validity);
  return fields;
}

Result<Bytes> cpp_make_record(const RecordCase& c) {
  auto fields = cpp_record_fields(c);
  if (!fields) return fields.error();
  auto key = ed25519::key_pair_from_seed(hex_decode(c.seed_hex).value());
  if (!key) return key.error();
  return ipns::make_record(*key, *fields, !c.v2_only);
}

std::string case_name(const RecordCase& c) {
  const auto key = ed25519::key_pair_from_seed(hex_decode(c.seed_hex).value()).value();
  return ipns::name_from_ed25519(key.public_key).text();
}

}  // namespace cbx::interop
