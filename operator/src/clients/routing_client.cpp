#include "clients/routing_client.h"

#include <cctype>
#include <thread>

#include "cbx/http/url.h"
#include "clients/retry_after.h"

namespace cbx::op {
namespace {

std::string short_body(const std::string& body) {
  std::string out = body.substr(0, 200);
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

// "application/vnd.ipfs.ipns-record" with any parameters, in any letter case; a longer type
// that merely starts with it is another type.
bool is_ipns_record_type(const std::string& content_type) {
  std::string_view type(content_type);
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  std::string_view wanted(kIpnsRecordMediaType);
  if (type.size() != wanted.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != wanted[i]) return false;
  }
  return true;
}

}  // namespace

RoutingClient::RoutingClient(http::HttpTransport& transport, std::string base_url,
                             RoutingOptions options, Sleep sleep, Now now)
    : transport_(transport),
      base_url_(std::move(base_url)),
      options_(options),
      sleep_(sleep ? std::move(sleep) : Sleep([](auto d) { std::this_thread::sleep_for(d); })),
      now_(now ? std::move(now) : Now([] {
        return std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
      })) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string RoutingClient::url_for(const std::string& name) const {
  return base_url_ + "/routing/v1/ipns/" + http::url_encode(name);
}

std::optional<std::chrono::seconds> RoutingClient::retry_after_of(
    const http::Response& response) const {
  auto value = response.header("Retry-After");
  if (!value) return std::nullopt;
  return parse_retry_after(*value, now_());
}

Result<http::Response> RoutingClient::exchange(const http::Request& request) {
  auto delay = options_.first_retry_delay;
  Error last = make_error("UNAVAILABLE", "no attempt made");
  for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
    auto response = transport_.request(request);
    if (response && response->status < 500) return response;
    last = response ? make_error("UNAVAILABLE", base_url_ + " answered " +
                                                    std::to_string(response->status) + ": " +
                                                    short_body(response->body))
                    : make_error("UNAVAILABLE", base_url_ + ": " + response.error().message);
    if (attempt < options_.attempts) {
      sleep_(delay);
      delay *= 2;
    }
  }
  return last;
}

ResolveAnswer RoutingClient::resolve(const std::string& name) {
  http::Request request{
      "GET", url_for(name), {{"Accept", kIpnsRecordMediaType}}, "", options_.timeout};
  auto response = exchange(request);
  if (!response) return {response.error(), std::nullopt};
  if (response->status == 404) return {std::optional<Bytes>{}, std::nullopt};
  if (response->status == 429) {
    return {make_error("RATE_LIMITED", base_url_ + " rate-limited the lookup"),
            retry_after_of(*response)};
  }
  if (response->status != 200) {
    return {make_error("REJECTED", base_url_ + " answered " + std::to_string(response->status) +
                                       ": " + short_body(response->body)),
            std::nullopt};
  }
  if (!is_ipns_record_type(response->header("Content-Type").value_or(""))) {
    return {std::optional<Bytes>{}, std::nullopt};
  }
  return {std::optional<Bytes>{Bytes(response->body.begin(), response->body.end())}, std::nullopt};
}

PublishAnswer RoutingClient::publish(const std::string& name, ByteView record) {
  http::Request request{"PUT",
                        url_for(name),
                        {{"Content-Type", kIpnsRecordMediaType}},
                        std::string(record.begin(), record.end()),
                        options_.timeout};
  auto response = exchange(request);
  if (!response) return {response.error(), std::nullopt};
  if (response->status == 200 || response->status == 204) return {Ok{}, std::nullopt};
  if (response->status == 429) {
    return {make_error("RATE_LIMITED", base_url_ + " rate-limited the publication"),
            retry_after_of(*response)};
  }
  return {make_error("REJECTED", base_url_ + " refused the record (" +
                                     std::to_string(response->status) +
                                     "): " + short_body(response->body)),
          std::nullopt};
}

}  // namespace cbx::op
