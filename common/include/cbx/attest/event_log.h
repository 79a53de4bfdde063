#pragma once
// dstack's TDX event log as the guest agent's GetQuote returns it (`event_log`: a JSON array, or
// JSON text of one), replayed against a TDX quote. Semantics follow dstack's cc-eventlog and
// dstack-attest crates (read, not copied):
//
//   event  {"imr": 0..3, "event_type": u32, "digest": hex, "event": name, "event_payload": hex,
//           "version"?: 1|2, "preimage"?: hex}
//   RTMR i = fold over the events of IMR i of SHA-384(RTMR ‖ digest), from 48 zero bytes.
//
// Runtime events (event_type 0x08000001, dstack's own: app-id, compose-hash, …) are measured as
//   V1 (default): SHA-384(event_type u32 LE ‖ ":" ‖ name ‖ ":" ‖ payload)
//   V2 ("version": 2): SHA-384(JCS {"name":…,"payload":"<lowercase hex>","type":134217729})
// Their digest is ALWAYS recomputed from name and payload here; a given digest that differs is an
// error, an empty one is accepted: newer agents (dstack 0.6, e.g. the "lite" capture) send runtime
// events "stripped", with the digest left out, so a replay of the given digests cannot reproduce
// RTMR3 there while a replay of the recomputed ones does. Boot events (IMR 0-2, TCG types) carry
// only their digest (their pre-image is the firmware's, and "stripped" logs drop the payload), so
// their digests are taken as given and checked only through the RTMR they fold into.
//
// The application's identity is read from the replayed IMR 3 events before "system-ready" only:
// later events are emitted by the application itself (dstack EmitEvent). Every IMR 3 event must
// be a runtime event, "system-ready" must be present, and compose-hash and app-id must occur
// exactly once before it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::attest {

inline constexpr std::uint32_t kDstackRuntimeEventType = 0x08000001;
inline constexpr std::size_t kMaxEventLogSize = 1 << 20;  // bytes of JSON text
inline constexpr std::size_t kMaxEvents = 4096;

using Measurement = epoch::Measurement;

struct LogEvent {
  std::uint32_t imr = 0;
  std::uint32_t event_type = 0;
  Bytes digest;  // as given (empty for stripped runtime events)
  std::string name;
  Bytes payload;
  int version = 1;                // runtime events: digest format V1 or V2
  std::optional<Bytes> preimage;  // runtime events: the hashed bytes, when the log gives them
};

// The identity dstack measures into RTMR3 at boot (hex for binary payloads, as dstack prints
// them; key_provider is the payload's text, a small JSON object).
struct DstackAppIdentity {
  std::string compose_hash;
  std::string app_id;
  std::string instance_id;
  std::string key_provider;
  std::string os_image_hash;  // "" on images that do not measure it
};

struct ReplayedLog {
  std::array<Measurement, 4> rtmr{};
  std::array<bool, 4> carried{};  // the log has events for IMR i
  DstackAppIdentity identity;
};

// Error code EVENT_LOG_INVALID: not JSON, too large, not an array of well-formed events.
Result<std::vector<LogEvent>> parse_event_log(std::string_view json_text);

// The bytes a runtime event's digest hashes and that digest (V1 or V2, see above).
// EVENT_LOG_INVALID for a version other than 1 or 2.
Result<Bytes> runtime_event_preimage(const LogEvent& event);
Result<Measurement> runtime_event_digest(const LogEvent& event);

// Replays every IMR and reads the identity. Errors: EVENT_DIGEST_MISMATCH (a runtime event's
// digest is not the one of its name and payload, a given preimage that is not the canonical one, a
// boot event without a 48-byte digest), EVENT_LOG_INVALID (IMR > 3, a non-runtime event in IMR 3),
// EVENT_LOG_INCOMPLETE (no system-ready; compose-hash or app-id missing or repeated before it).
Result<ReplayedLog> replay_event_log(const std::vector<LogEvent>& events);

// parse + replay + compare with the quote: RTMR3 always, RTMR0-2 where the log carries events.
// Error RTMR_MISMATCH (naming the register) besides the codes above. Only a successful result
// may be trusted, and only as far as the quote itself is.
Result<ReplayedLog> verify_event_log(std::string_view json_text, const epoch::TdxQuote& quote);

// Building logs (the simulator, test stand-ins): V1 runtime events for IMR 3, in order.
struct RuntimeEventInput {
  std::string name;
  Bytes payload;
};
struct BuiltEventLog {
  std::string json_text;  // the guest agent's event_log form
  Measurement rtmr3{};
};
BuiltEventLog build_runtime_event_log(const std::vector<RuntimeEventInput>& events);

// The boot-time events dstack emits for an app, ending with system-ready (hex fields decoded).
std::vector<RuntimeEventInput> dstack_boot_events(const DstackAppIdentity& identity);

}  // namespace cbx::attest
