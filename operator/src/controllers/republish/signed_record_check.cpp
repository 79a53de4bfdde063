#include "controllers/republish/signed_record_check.h"

#include "cbx/base/encoding.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"

namespace cbx::op {
namespace {

Error rejected(const std::string& why) {
  return make_error(to_string(Reason::kSignedRecordRejected), why);
}

std::uint64_t ttl_ns_asked(const SigningPlan& plan) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(plan.ttl).count();
  return static_cast<std::uint64_t>(seconds) * 1'000'000'000ULL;
}

Status check_fields(const ipns::Record& record, const SignOutcome& result, const SigningPlan& plan,
                    SysTime now) {
  if (record.value != plan.value) {
    return rejected("the record carries value " + record.value.substr(0, 200) + ", not " +
                    plan.value);
  }
  if (record.sequence != plan.sequence || result.sequence != plan.sequence) {
    return rejected("the record has sequence " + std::to_string(record.sequence) +
                    ", not the reserved " + std::to_string(plan.sequence));
  }
  if (record.ttl_ns != ttl_ns_asked(plan)) {
    return rejected("the record's TTL is " + std::to_string(record.ttl_ns) + " ns, not " +
                    std::to_string(ttl_ns_asked(plan)));
  }
  if (record.validity_time > plan.valid_until) {
    return rejected("the record is valid until " + record.validity + ", beyond the asked " +
                    plan.validity);
  }
  if (record.validity_time <= now) {
    return rejected("the record expired at " + record.validity);
  }
  return Ok{};
}

Status check_rewrapped(const SignOutcome& result, const SigningPlan& plan,
                       std::uint64_t current_epoch) {
  if (!result.rewrapped) return Ok{};
  // The signer re-encrypts only a key sealed to an older epoch, and only to currentEpoch.
  if (result.rewrapped->epoch != current_epoch || plan.key.epoch >= current_epoch) {
    return rejected("the key came back re-encrypted to epoch " +
                    std::to_string(result.rewrapped->epoch) + "; asked epoch " +
                    std::to_string(current_epoch) + " for a key on epoch " +
                    std::to_string(plan.key.epoch));
  }
  return Ok{};
}

}  // namespace

Result<SignedRecord> check_signed_record(const IpnsRepublish& obj, const SigningPlan& plan,
                                         std::uint64_t current_epoch, const SignOutcome& result,
                                         SysTime now) {
  auto name = ipns::parse_name(obj.spec.ipns_name);
  if (!name) return rejected("spec.ipnsName is not an IPNS name");
  auto bytes = base64_decode(result.record);
  if (!bytes) return rejected("the record is not base64");
  auto record = ipns::verify_record_signature(*name, *bytes);
  if (!record) {
    return rejected("the record is not a valid record of " + obj.spec.ipns_name + "'s key (" +
                    record.error().code + ")");
  }
  if (auto fields = check_fields(*record, result, plan, now); !fields) return fields.error();
  if (auto key = check_rewrapped(result, plan, current_epoch); !key) return key.error();
  SignedRecord out{result.record, result.rewrapped, record->validity_time};
  return out;
}

Result<SignedRecord> accept_sign_outcome(const IpnsRepublish& obj, const SigningPlan& plan,
                                         std::uint64_t current_epoch,
                                         const Result<SignOutcome>& outcome, SysTime now) {
  if (!outcome) {
    bool unreadable = outcome.error().code == "BAD_RESPONSE";
    return make_error(
        to_string(unreadable ? Reason::kSignerProtocolError : Reason::kSignerUnavailable),
        outcome.error().message);
  }
  if (!outcome->ok) {
    return make_error(
        outcome->error_code.empty() ? to_string(Reason::kSignerProtocolError) : outcome->error_code,
        outcome->error_message);
  }
  return check_signed_record(obj, plan, current_epoch, *outcome, now);
}

}  // namespace cbx::op
