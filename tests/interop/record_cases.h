#pragma once
// Randomized inputs for IPNS records, handed identically to the C++ library and to the ipns
// npm package: keys, values (CIDv1/CIDv0 paths, bare CIDs, /ipns/ names, sub-paths), sequences
// over the whole uint64 range (dense around 2^53 and 2^63), validities (explicit in several
// RFC 3339 forms up to year 9999, expired ones, or a lifetime from a fixed "now") and TTLs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/ipns/record.h"
#include "harness.h"

namespace cbx::interop {

struct RecordCase {
  std::string id;
  std::string seed_hex;  // a throwaway test key
  std::string value;     // as given to both sides (before normalization)
  std::uint64_t sequence = 0;
  std::optional<std::string> validity;      // RFC 3339 as given, or
  std::optional<std::int64_t> lifetime_ms;  // lifetime counted from now_ms
  std::int64_t now_ms = 0;
  std::optional<std::uint64_t> ttl_ns;  // absent: the library default (5 min)
  bool v2_only = false;
  bool expired = false;

  nlohmann::json make_request() const;  // for peers/make-ipns.mjs --batch
  std::string describe() const;         // one line for failure reports (no secret there)
};

struct RandomCaseOptions {
  bool allow_lifetime = true;  // false: explicit validity only
  bool allow_expired = true;
  bool cli_compatible = false;  // TTL expressible as a Go duration (the CLI's --ttl)
};

// Cases 0..k first run through fixed edge sequences (0, 2^53±1, 2^63-1, 2^64-1, …).
RecordCase random_record_case(Rng& rng, int index, const RandomCaseOptions& options);

// The fields C++ signs for this case, derived with the same helpers as `record make`.
Result<ipns::RecordFields> cpp_record_fields(const RecordCase& c);
// The seed's key pair and the record C++ makes for this case.
Result<Bytes> cpp_make_record(const RecordCase& c);
// The IPNS name (k51…) of the case's key.
std::string case_name(const RecordCase& c);

std::string random_hex(Rng& rng, std::size_t bytes);

}  // namespace cbx::interop
