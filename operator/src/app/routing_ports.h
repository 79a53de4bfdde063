#pragma once
// The republish and read-back controllers' routing ports (controllers/republish/ports.h,
// controllers/readback/readback_ports.h) over the routing client: its answers become the
// controllers' EndpointResult / NetworkLookup.
#include "clients/routing_publisher.h"
#include "controllers/readback/readback_ports.h"
#include "controllers/republish/ports.h"

namespace cbx::op {

EndpointResult endpoint_result(RoutingPutAnswer answer);

class RoutingPorts : public RecordPublisher, public EndpointRouting {
 public:
  explicit RoutingPorts(RoutingPublisher& routing) : routing_(routing) {}

  Result<NetworkLookup> resolve(const std::string& name) override;
  std::vector<EndpointResult> publish(const std::string& name, ByteView record) override;

  std::vector<std::string> endpoint_urls() const override { return routing_.endpoint_urls(); }
  Result<std::optional<Bytes>> resolve_at(const std::string& url,
                                          const std::string& name) override {
    return routing_.resolve_at(url, name);
  }
  EndpointResult publish_at(const std::string& url, const std::string& name,
                            ByteView record) override {
    return endpoint_result(routing_.publish_at(url, name, record));
  }

 private:
  RoutingPublisher& routing_;
};

}  // namespace cbx::op
