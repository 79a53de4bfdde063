#pragma once
// The Value of an IPNS record: a content path, normalized as the `ipns` npm package does.
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::ipns {

// As createIPNSRecord normalizes a string value: trimmed; "/…" longer than one char kept verbatim;
// a bare CID -> "/ipfs/<CIDv1 base32>" ("/ipns/<base36>" for a libp2p-key CID); a bare peer id
// (12D3KooW…) -> "/ipns/<base36 name>"; anything else -> INVALID_VALUE.
Result<std::string> normalize_value(std::string_view input);
// As unmarshalIPNSRecord reads the Value bytes back: UTF-8 trimmed path, else CID bytes, else CID
// string -> "/ipfs/<v1>"; INVALID_VALUE otherwise.
Result<std::string> normalize_stored_value(ByteView value);

}  // namespace cbx::ipns
