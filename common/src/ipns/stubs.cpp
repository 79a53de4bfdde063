// Temporary stubs so that code written against the headers links; replaced file by file.
#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "cbx/ipns/value.h"

namespace cbx::ipns {
namespace {
Error not_yet() { return make_error("NOT_IMPLEMENTED", "not implemented yet"); }
}  // namespace
Bytes Cid::bytes() const { return {}; }
std::string Cid::to_string() const { return {}; }
std::string Cid::to_base36() const { return {}; }
Cid Cid::to_v1() const { return *this; }
Result<Cid> parse_cid(std::string_view) { return not_yet(); }
Result<Cid> cid_from_bytes(ByteView) { return not_yet(); }
bool is_multihash(ByteView) { return false; }
std::optional<std::uint64_t> multihash_code(ByteView) { return std::nullopt; }
std::string Name::text() const { return {}; }
std::string Name::text_base32() const { return {}; }
std::string Name::peer_id() const { return {}; }
Bytes Name::routing_key() const { return {}; }
std::optional<ed25519::PublicKey> Name::ed25519_public_key() const { return std::nullopt; }
Name name_from_ed25519(const ed25519::PublicKey&) { return {}; }
Result<Name> parse_name(std::string_view) { return not_yet(); }
Result<Name> name_from_routing_key(ByteView) { return not_yet(); }
Result<Name> name_from_multihash(ByteView) { return not_yet(); }
Result<std::string> normalize_value(std::string_view) { return not_yet(); }
Result<std::string> normalize_stored_value(ByteView) { return not_yet(); }
std::string format_validity(TimePoint) { return {}; }
Result<TimePoint> parse_validity(std::string_view) { return not_yet(); }
Result<Bytes> make_record(const ed25519::KeyPair&, const RecordFields&, bool) { return not_yet(); }
Result<Record> unmarshal_record(ByteView) { return not_yet(); }
Result<Record> validate_record(const Name&, ByteView, TimePoint) { return not_yet(); }
Result<Record> verify_record_signature(const Name&, ByteView) { return not_yet(); }
}  // namespace cbx::ipns
