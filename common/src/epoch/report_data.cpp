#include "cbx/epoch/report_data.h"

#include <algorithm>

#include "cbx/crypto/hash.h"

namespace cbx::epoch {

ReportData epoch_report_data(std::uint64_t epoch, ByteView public_key, ByteView nonce) {
  Bytes msg(kReportDataDomain.begin(), kReportDataDomain.end());
  for (int shift = 56; shift >= 0; shift -= 8)
    msg.push_back(static_cast<std::uint8_t>(epoch >> shift));
  msg.insert(msg.end(), public_key.begin(), public_key.end());
  msg.insert(msg.end(), nonce.begin(), nonce.end());
  auto digest = sha256(msg);
  ReportData out{};
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

std::string epoch_key_path(std::uint64_t epoch) {
  return "cipherbox/ipns-republish/epoch-" + std::to_string(epoch);
}

}  // namespace cbx::epoch
