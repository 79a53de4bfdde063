#include "app/validity_slo.h"

#include <algorithm>
#include <vector>

#include "controllers/readback/resolvable_condition.h"

namespace cbx::op {
namespace {

void keep_min(std::optional<double>& slot, double value) {
  if (!slot || value < *slot) slot = value;
}

template <typename Key>
void keep_min(std::map<Key, double>& map, const Key& key, double value) {
  auto [it, inserted] = map.emplace(key, value);
  if (!inserted) it->second = std::min(it->second, value);
}

bool read_back_once(const IpnsRepublishStatus& st) {
  return std::any_of(st.endpoints.begin(), st.endpoints.end(),
                     [](const EndpointStatus& e) { return e.read_back.has_value(); });
}

}  // namespace

ValiditySloBuilder::ValiditySloBuilder(SysTime now, Nanos margin, std::size_t max_namespaces)
    : now_(now), margin_(margin), max_namespaces_(std::max<std::size_t>(max_namespaces, 1)) {}

void ValiditySloBuilder::add(const IpnsRepublish& obj) {
  if (!read_back_once(obj.status)) return;
  auto served = best_served_validity(obj.status);
  double remaining =
      served && *served > now_ ? std::chrono::duration<double>(*served - now_).count() : 0.0;
  if (remaining <= 0) ++slo_.not_resolvable;
  if (remaining < std::chrono::duration<double>(margin_).count()) ++slo_.below_margin;
  keep_min(slo_.min_remaining_seconds, remaining);
  keep_min(slo_.min_remaining_per_epoch, effective_key(obj).epoch, remaining);
  keep_min(per_namespace_, obj.ns, remaining);
}

ValiditySlo ValiditySloBuilder::build() const {
  ValiditySlo out = slo_;
  std::vector<std::pair<double, std::string>> by_validity;
  for (const auto& [ns, v] : per_namespace_) by_validity.emplace_back(v, ns);
  std::sort(by_validity.begin(), by_validity.end());
  // Room for the "_other" series when namespaces are left out.
  std::size_t named =
      by_validity.size() <= max_namespaces_ ? by_validity.size() : max_namespaces_ - 1;
  for (std::size_t i = 0; i < by_validity.size(); ++i) {
    const auto& [v, ns] = by_validity[i];
    keep_min(out.min_remaining_per_namespace, i < named ? ns : std::string(kOtherNamespaces), v);
  }
  return out;
}

std::optional<double> republish_lead_seconds(const IpnsRepublishStatus& before,
                                             const IpnsRepublishStatus& after) {
  if (!after.published_sequence || !after.last_published_at || !before.valid_until) {
    return std::nullopt;
  }
  if (before.published_sequence && *before.published_sequence >= *after.published_sequence) {
    return std::nullopt;
  }
  return std::chrono::duration<double>(*before.valid_until - *after.last_published_at).count();
}

}  // namespace cbx::op
