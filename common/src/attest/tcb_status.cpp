#include "cbx/attest/tcb_status.h"

#include <algorithm>
#include <array>
#include <utility>

namespace cbx::attest {
namespace {

constexpr std::array<std::pair<TcbStatus, std::string_view>, 7> kNames{{
    {TcbStatus::UpToDate, "UpToDate"},
    {TcbStatus::SWHardeningNeeded, "SWHardeningNeeded"},
    {TcbStatus::ConfigurationNeeded, "ConfigurationNeeded"},
    {TcbStatus::ConfigurationAndSWHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {TcbStatus::OutOfDate, "OutOfDate"},
    {TcbStatus::OutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {TcbStatus::Revoked, "Revoked"},
}};

// The enum is declared in severity order, Unknown worst.
int severity(TcbStatus status) {
  return static_cast<int>(status);
}

}  // namespace

std::string_view to_string(TcbStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "Unknown";
}

std::optional<TcbStatus> parse_tcb_status(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

TcbLevelResult merge_tcb_results(const TcbLevelResult& platform, const TcbLevelResult& qe) {
  TcbLevelResult merged;
  merged.status = severity(qe.status) > severity(platform.status) ? qe.status : platform.status;
  merged.advisory_ids = platform.advisory_ids;
  for (const auto& id : qe.advisory_ids) {
    if (std::find(merged.advisory_ids.begin(), merged.advisory_ids.end(), id) ==
        merged.advisory_ids.end()) {
      merged.advisory_ids.push_back(id);
    }
  }
  return merged;
}

}  // namespace cbx::attest
