// The operator's routing client and publisher (clients/routing_client.cpp, routing_publisher.cpp)
// on arbitrary answers. Input: first line "STATUS|CONTENT-TYPE|RETRY-AFTER", the rest is the body.
// Must never throw or crash; a Retry-After is always within 0…1 h; a record the publisher keeps
// from a lookup is one the folder's key signed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "clients/retry_after.h"
#include "clients/routing_client.h"
#include "clients/routing_publisher.h"
#include "scripted_transport.h"

namespace {

// A real Ed25519 IPNS name (the 200 seeds of fuzz/seeds/operator_routing_answer_fuzz carry a
// record its key signed).
constexpr const char* kName = "k51qzi5uqu5dhjtzzmcr75iiu7jqu5toq88sq3w6eewih1hovh16u3hci77pb0";

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (int i = 0; i < 2; ++i) {
    auto bar = line.find('|', start);
    if (bar == std::string::npos) break;
    out.push_back(line.substr(start, bar - start));
    start = bar + 1;
  }
  out.push_back(line.substr(start));
  out.resize(3);
  return out;
}

void check_retry_after(const std::optional<std::chrono::seconds>& retry_after) {
  if (retry_after && (retry_after->count() < 0 || *retry_after > cbx::op::kMaxRetryAfter)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [line, body] = cbx::fuzz::split_line(data, size);
  auto fields = fields_of(line);
  cbx::http::Response response;
  response.status = 200;
  if (!fields[0].empty() && fields[0].size() <= 3 &&
      fields[0].find_first_not_of("0123456789") == std::string::npos) {
    response.status = std::stoi(fields[0]);
  }
  if (!fields[1].empty()) response.headers.emplace_back("Content-Type", fields[1]);
  if (!fields[2].empty()) response.headers.emplace_back("Retry-After", fields[2]);
  response.body = body;
  cbx::fuzz::OneResponse transport(std::move(response));
  auto now = [] { return *cbx::parse_rfc3339("2026-11-30T12:00:00Z"); };
  cbx::op::RoutingOptions options{std::chrono::milliseconds(1), 1, std::chrono::milliseconds(0)};
  cbx::op::RoutingClient client(
      transport, "http://r", options, [](auto) {}, now);
  auto resolved = client.resolve(kName);
  check_retry_after(resolved.retry_after);
  auto published = client.publish(kName, cbx::Bytes{1, 2, 3});
  check_retry_after(published.retry_after);

  std::vector<std::unique_ptr<cbx::op::RoutingClient>> endpoints;
  endpoints.push_back(std::make_unique<cbx::op::RoutingClient>(
      transport, "http://r", options, [](auto) {}, now));
  cbx::op::RoutingPublisher publisher(std::move(endpoints));
  auto best = publisher.resolve(kName);
  if (best && best->record) {
    auto name = cbx::ipns::parse_name(kName);
    if (!cbx::ipns::verify_record_signature(*name, *best->record)) std::abort();
  }
  // One endpoint: it either answered (nothing unanswered) or the lookup is an error.
  if (best && !best->unanswered.empty()) std::abort();
  for (const auto& r : publisher.publish(kName, cbx::Bytes{1})) check_retry_after(r.retry_after);
  return 0;
}
