#include "app/routing_ports.h"

namespace cbx::op {

EndpointResult endpoint_result(RoutingPutAnswer answer) {
  return EndpointResult{std::move(answer.url), answer.ok, std::move(answer.code),
                        std::move(answer.message), answer.retry_after};
}

Result<NetworkLookup> RoutingPorts::resolve(const std::string& name) {
  auto lookup = routing_.resolve(name);
  if (!lookup) return lookup.error();
  return NetworkLookup{std::move(lookup->record), std::move(lookup->unanswered)};
}

std::vector<EndpointResult> RoutingPorts::publish(const std::string& name, ByteView record) {
  std::vector<EndpointResult> results;
  for (auto& answer : routing_.publish(name, record)) {
    results.push_back(endpoint_result(std::move(answer)));
  }
  return results;
}

}  // namespace cbx::op
