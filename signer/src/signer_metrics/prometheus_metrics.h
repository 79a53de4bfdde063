#pragma once
// Metrics on prometheus-cpp core (registry + text serializer); served by the signer's own Beast
// server on /metrics, so no civetweb (prometheus-cpp pull) is linked.
#include <memory>

#include "signer/metrics.h"

namespace cbx::signer {

std::unique_ptr<Metrics> make_prometheus_metrics(bool simulated);

}  // namespace cbx::signer
