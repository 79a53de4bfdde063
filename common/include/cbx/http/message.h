#pragma once
// Plain HTTP request/response values handed to and returned by a server Handler. No Boost here:
// handlers (and their fuzzers) are pure functions Request -> Response, testable without sockets.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbx::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form as received: "/v1/epochs/1/public-key?nonce=ab"
  Headers headers;
  std::string body;

  std::string_view path() const;   // target up to '?'
  std::string_view query() const;  // after '?', empty when none
  // Case-insensitive lookup; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // First `name=value` pair of the query, percent-decoded; nullopt when absent or malformed.
  std::optional<std::string> query_param(std::string_view name) const;
  // The same value as sent (not decoded); nullopt only when absent. For parameters where a
  // malformed value must be refused rather than taken as missing.
  std::optional<std::string_view> raw_query_param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra headers; Content-Length/Connection are set by the server
  std::string body;
};

using Handler = std::function<Response(const Request&)>;

Response json_response(unsigned status, const nlohmann::json& body);
// The one error shape of every API here: {"error":{"code":..., "message":...}}.
Response error_response(unsigned status, std::string_view code, std::string_view message);
Response text_response(unsigned status, std::string body, std::string content_type = "text/plain");

bool iequals(std::string_view a, std::string_view b);
// nullopt on a malformed escape (% not followed by two hex digits).
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace cbx::http
