#pragma once
// The validity SLO from CR status (issue 15): how long the records routing endpoints were last
// verified to serve (status.endpoints[].readBack) stay valid, per folder, reduced to a few
// gauges. Only folders read back at least once count: a folder between its first publication
// and its first read-back proves nothing either way.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::op {

inline constexpr char kOtherNamespaces[] = "_other";

struct ValiditySlo {
  std::optional<double> min_remaining_seconds;  // nullopt: no folder read back
  std::map<std::uint64_t, double> min_remaining_per_epoch;
  // At most max_namespaces series: the namespaces with the least validity, the rest as
  // kOtherNamespaces (bounded cardinality whatever the cluster holds).
  std::map<std::string, double> min_remaining_per_namespace;
  std::int64_t below_margin = 0;
  std::int64_t not_resolvable = 0;  // no endpoint serves an unexpired record of the name
};

class ValiditySloBuilder {
 public:
  ValiditySloBuilder(SysTime now, Nanos margin, std::size_t max_namespaces = 20);
  void add(const IpnsRepublish& obj);
  ValiditySlo build() const;

 private:
  SysTime now_;
  Nanos margin_;
  std::size_t max_namespaces_;
  ValiditySlo slo_;
  std::map<std::string, double> per_namespace_;
};

// Lead time of a republication: how long the previous record still had when the next one was
// published (old.validUntil − new.lastPublishedAt), when `after` published a new sequence.
std::optional<double> republish_lead_seconds(const IpnsRepublishStatus& before,
                                             const IpnsRepublishStatus& after);

}  // namespace cbx::op
