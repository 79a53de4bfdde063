#include "clients/routing_client.h"

#include <thread>

#include "cbx/http/url.h"

namespace cbx::op {
namespace {

std::optional<std::chrono::seconds> parse_retry_after(const http::Response& response) {
  auto value = response.header("Retry-After");
  if (!value || value->empty()) return std::nullopt;
  try {
    return std::chrono::seconds(std::stoll(*value));
  } catch (...) {
    return std::nullopt;  // an HTTP-date: treat as unspecified
  }
}

std::string short_body(const std::string& body) {
  std::string out = body.substr(0, 200);
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

RoutingClient::RoutingClient(http::HttpTransport& transport, std::string base_url,
                             RoutingOptions options, Sleep sleep)
    : transport_(transport), base_url_(std::move(base_url)), options_(options),
      sleep_(sleep ? std::move(sleep) : Sleep([](auto d) { std::this_thread::sleep_for(d); })) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string RoutingClient::url_for(const std::string& name) const {
  return base_url_ + "/routing/v1/ipns/" + http::url_encode(name);
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

Result<std::optional<Bytes>> RoutingClient::resolve(const std::string& name) {
  http::Request request{"GET", url_for(name), {{"Accept", kIpnsRecordMediaType}}, "", options_.timeout};
  auto response = exchange(request);
  if (!response) return response.error();
  if (response->status == 404) return std::optional<Bytes>{};
  if (response->status == 429) {
    last_retry_after_ = parse_retry_after(*response);
    return make_error("RATE_LIMITED", base_url_ + " rate-limited the lookup");
  }
  if (response->status != 200) {
    return make_error("REJECTED", base_url_ + " answered " + std::to_string(response->status) +
                                      ": " + short_body(response->body));
  }
  auto type = response->header("Content-Type").value_or("");
  if (type.find(kIpnsRecordMediaType) == std::string::npos) return std::optional<Bytes>{};
  return std::optional<Bytes>{Bytes(response->body.begin(), response->body.end())};
}

Result<Ok> RoutingClient::publish(const std::string& name, ByteView record) {
  http::Request request{"PUT", url_for(name), {{"Content-Type", kIpnsRecordMediaType}},
                        std::string(record.begin(), record.end()), options_.timeout};
  auto response = exchange(request);
  if (!response) return response.error();
  if (response->status == 200 || response->status == 204) return Ok{};
  if (response->status == 429) {
    last_retry_after_ = parse_retry_after(*response);
    return make_error("RATE_LIMITED", base_url_ + " rate-limited the publication");
  }
  return make_error("REJECTED", base_url_ + " refused the record (" +
                                    std::to_string(response->status) + "): " +
                                    short_body(response->body));
}

}  // namespace cbx::op
