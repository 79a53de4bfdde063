#include "cbx/attest/event_log.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "attest/json_canonical.h"
#include "cbx/crypto/hash.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

Error invalid(const std::string& why) {
  return make_error("EVENT_LOG_INVALID", why);
}

std::string at(std::size_t index) {
  return "event " + std::to_string(index) + ": ";
}

Result<std::uint32_t> u32_field(const json& e, const char* key, std::size_t index) {
  if (!e.contains(key) || !e[key].is_number_unsigned() ||
      e[key].get<std::uint64_t>() > 0xffffffffULL) {
    return invalid(at(index) + "\"" + key + "\" must be an unsigned 32-bit integer");
  }
  return static_cast<std::uint32_t>(e[key].get<std::uint64_t>());
}

Result<Bytes> hex_field(const json& e, const char* key, std::size_t index) {
  if (!e.contains(key)) return Bytes{};
  if (!e[key].is_string()) return invalid(at(index) + "\"" + key + "\" must be a hex string");
  auto bytes = hex_decode(e[key].get_ref<const std::string&>());
  if (!bytes) return invalid(at(index) + "\"" + key + "\" is not hex");
  return std::move(*bytes);
}

Result<LogEvent> parse_event(const json& e, std::size_t index) {
  if (!e.is_object()) return invalid(at(index) + "not an object");
  LogEvent out;
  auto imr = u32_field(e, "imr", index);
  if (!imr) return imr.error();
  auto type = u32_field(e, "event_type", index);
  if (!type) return type.error();
  out.imr = *imr;
  out.event_type = *type;
  auto digest = hex_field(e, "digest", index);
  if (!digest) return digest.error();
  out.digest = std::move(*digest);
  if (e.contains("event")) {
    if (!e["event"].is_string()) return invalid(at(index) + "\"event\" must be a string");
    out.name = e["event"].get<std::string>();
  }
  auto payload = hex_field(e, "event_payload", index);
  if (!payload) return payload.error();
  out.payload = std::move(*payload);
  if (e.contains("version")) {
    auto version = u32_field(e, "version", index);
    if (!version) return version.error();
    out.version = static_cast<int>(std::min<std::uint32_t>(*version, 1000));
  }
  if (e.contains("preimage") && !e["preimage"].is_null()) {
    auto preimage = hex_field(e, "preimage", index);
    if (!preimage) return preimage.error();
    out.preimage = std::move(*preimage);
  }
  return out;
}

Measurement extend(const Measurement& mr, ByteView digest) {
  Bytes input(mr.begin(), mr.end());
  input.insert(input.end(), digest.begin(), digest.end());
  auto out = sha384(input);
  Measurement m;
  std::copy(out.begin(), out.end(), m.begin());
  return m;
}

// The digest an event folds into its RTMR, checked against what the log says.
Result<Measurement> measured_digest(const LogEvent& e, std::size_t index) {
  if (e.event_type == kDstackRuntimeEventType) {
    auto preimage = runtime_event_preimage(e);
    if (!preimage) return invalid(at(index) + preimage.error().message);
    if (e.preimage && *e.preimage != *preimage) {
      return make_error("EVENT_DIGEST_MISMATCH",
                        at(index) + "the preimage is not the canonical event representation");
    }
    auto hashed = sha384(*preimage);
    Measurement digest;
    std::copy(hashed.begin(), hashed.end(), digest.begin());
    if (!e.digest.empty() &&
        !std::equal(e.digest.begin(), e.digest.end(), digest.begin(), digest.end())) {
      return make_error("EVENT_DIGEST_MISMATCH",
                        at(index) + "a runtime event's digest is not the digest of its payload");
    }
    return digest;
  }
  if (e.digest.size() != 48) {
    return make_error("EVENT_DIGEST_MISMATCH", at(index) + "boot event without a 48-byte digest");
  }
  Measurement m;
  std::copy(e.digest.begin(), e.digest.end(), m.begin());
  return m;
}

// Reads the identity fields from the IMR 3 events before system-ready.
Result<DstackAppIdentity> read_identity(const std::vector<LogEvent>& events) {
  DstackAppIdentity id;
  struct Field {
    const char* name;
    std::string* out;
    bool hex;
    bool required;
    int seen = 0;
  };
  Field fields[] = {{"compose-hash", &id.compose_hash, true, true},
                    {"app-id", &id.app_id, true, true},
                    {"instance-id", &id.instance_id, true, false},
                    {"key-provider", &id.key_provider, false, false},
                    {"os-image-hash", &id.os_image_hash, true, false}};
  bool ready = false;
  for (const auto& e : events) {
    if (e.imr != 3) continue;
    if (e.name == "system-ready") {
      ready = true;
      break;
    }
    for (auto& f : fields) {
      if (e.name != f.name) continue;
      if (++f.seen > 1) {
        return make_error("EVENT_LOG_INCOMPLETE",
                          std::string("event \"") + f.name + "\" occurs twice before system-ready");
      }
      *f.out = f.hex ? hex_encode(e.payload) : to_string(e.payload);
    }
  }
  if (!ready) return make_error("EVENT_LOG_INCOMPLETE", "no system-ready event in IMR 3");
  for (const auto& f : fields) {
    if (f.required && f.seen == 0) {
      return make_error("EVENT_LOG_INCOMPLETE",
                        std::string("no \"") + f.name + "\" event before system-ready");
    }
  }
  return id;
}

}  // namespace

Result<std::vector<LogEvent>> parse_event_log(std::string_view text) {
  if (text.size() > kMaxEventLogSize) return invalid("event log larger than 1 MiB");
  if (!json_nesting_within(text, 4)) return invalid("event log nested too deeply");
  auto parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_string()) {  // the agent's JSON-in-a-string form, once more
    const auto& inner = parsed.get_ref<const std::string&>();
    if (!json_nesting_within(inner, 4)) return invalid("event log nested too deeply");
    parsed = json::parse(inner, nullptr, false);
  }
  if (parsed.is_discarded() || !parsed.is_array()) return invalid("event log is not a JSON array");
  if (parsed.size() > kMaxEvents) return invalid("event log has too many events");
  std::vector<LogEvent> events;
  events.reserve(parsed.size());
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    auto e = parse_event(parsed[i], i);
    if (!e) return e.error();
    events.push_back(std::move(*e));
  }
  return events;
}

Result<Bytes> runtime_event_preimage(const LogEvent& e) {
  Bytes preimage;
  if (e.version == 1) {
    for (int shift = 0; shift < 32; shift += 8)
      preimage.push_back(static_cast<std::uint8_t>(kDstackRuntimeEventType >> shift));
    preimage.push_back(':');
    preimage.insert(preimage.end(), e.name.begin(), e.name.end());
    preimage.push_back(':');
    preimage.insert(preimage.end(), e.payload.begin(), e.payload.end());
  } else if (e.version == 2) {
    auto canonical = canonical_runtime_event_json(e.name, kDstackRuntimeEventType, e.payload);
    preimage.assign(canonical.begin(), canonical.end());
  } else {
    return invalid("unknown runtime event version " + std::to_string(e.version));
  }
  return preimage;
}

Result<Measurement> runtime_event_digest(const LogEvent& e) {
  auto preimage = runtime_event_preimage(e);
  if (!preimage) return preimage.error();
  auto digest = sha384(*preimage);
  Measurement m;
  std::copy(digest.begin(), digest.end(), m.begin());
  return m;
}

namespace {

Result<ReplayedLog> replay_registers(const std::vector<LogEvent>& events) {
  ReplayedLog out;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.imr > 3) return invalid(at(i) + "IMR " + std::to_string(e.imr) + " does not exist");
    if (e.imr == 3 && e.event_type != kDstackRuntimeEventType) {
      return invalid(at(i) + "IMR 3 holds only dstack runtime events");
    }
    auto digest = measured_digest(e, i);
    if (!digest) return digest.error();
    out.rtmr[e.imr] = extend(out.rtmr[e.imr], *digest);
    out.carried[e.imr] = true;
  }
  return out;
}

}  // namespace

Result<ReplayedLog> replay_event_log(const std::vector<LogEvent>& events) {
  auto out = replay_registers(events);
  if (!out) return out.error();
  auto identity = read_identity(events);
  if (!identity) return identity.error();
  out->identity = std::move(*identity);
  return out;
}

// The registers are compared before the identity is read: a log that does not replay to the
// quote says nothing, complete or not.
Result<ReplayedLog> verify_event_log(std::string_view text, const epoch::TdxQuote& quote) {
  auto events = parse_event_log(text);
  if (!events) return events.error();
  auto replayed = replay_registers(*events);
  if (!replayed) return replayed.error();
  for (std::size_t i = 0; i < 4; ++i) {
    bool compare = i == 3 || replayed->carried[i];
    if (compare && replayed->rtmr[i] != quote.rtmr[i]) {
      return make_error("RTMR_MISMATCH", "the event log replays to another RTMR" +
                                             std::to_string(i) + " than the quote's");
    }
  }
  auto identity = read_identity(*events);
  if (!identity) return identity.error();
  replayed->identity = std::move(*identity);
  return replayed;
}

BuiltEventLog build_runtime_event_log(const std::vector<RuntimeEventInput>& events) {
  BuiltEventLog out;
  json log = json::array();
  for (const auto& in : events) {
    LogEvent e{3, kDstackRuntimeEventType, {}, in.name, in.payload, 1, std::nullopt};
    auto digest = *runtime_event_digest(e);
    out.rtmr3 = extend(out.rtmr3, digest);
    log.push_back({{"imr", 3},
                   {"event_type", kDstackRuntimeEventType},
                   {"digest", hex_encode(digest)},
                   {"event", in.name},
                   {"event_payload", hex_encode(in.payload)}});
  }
  out.json_text = log.dump();
  return out;
}

std::vector<RuntimeEventInput> dstack_boot_events(const DstackAppIdentity& id) {
  auto hex_or_text = [](const std::string& s) {
    auto bytes = hex_decode(s);
    return bytes ? std::move(*bytes) : Bytes(s.begin(), s.end());
  };
  std::vector<RuntimeEventInput> events = {{"system-preparing", {}},
                                           {"app-id", hex_or_text(id.app_id)},
                                           {"compose-hash", hex_or_text(id.compose_hash)},
                                           {"instance-id", hex_or_text(id.instance_id)},
                                           {"boot-mr-done", {}}};
  if (!id.os_image_hash.empty()) events.push_back({"os-image-hash", hex_or_text(id.os_image_hash)});
  events.push_back({"key-provider", Bytes(id.key_provider.begin(), id.key_provider.end())});
  events.push_back({"system-ready", {}});
  return events;
}

}  // namespace cbx::attest
