#pragma once
// Intel TCB statuses as TCB info and QE identity JSON spell them, and how a platform status and a
// QE status combine: the worse of the two (severity order below), advisory ids united, platform
// ids first, as the reference verifier (@phala/dcap-qvl) merges them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cbx::attest {

enum class TcbStatus {
  UpToDate,
  SWHardeningNeeded,
  ConfigurationNeeded,
  ConfigurationAndSWHardeningNeeded,
  OutOfDate,
  OutOfDateConfigurationNeeded,
  Revoked,
  Unknown,  // no status established (or a status string Intel has not defined): never acceptable
};

std::string_view to_string(TcbStatus status);
// Exact spelling only ("UpToDate", ...); nullopt for anything else.
std::optional<TcbStatus> parse_tcb_status(std::string_view text);

struct TcbLevelResult {
  TcbStatus status = TcbStatus::Unknown;
  std::vector<std::string> advisory_ids;
};

TcbLevelResult merge_tcb_results(const TcbLevelResult& platform, const TcbLevelResult& qe);

}  // namespace cbx::attest
