#pragma once
// Absolute http(s) URL split into what a connection needs.
#include <cstdint>
#include <string>
#include <string_view>

#include "cbx/base/result.h"

namespace cbx::http {

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // without IPv6 brackets
  std::uint16_t port = 0;
  std::string target;  // path + query, "/" at least

  bool tls() const { return scheme == "https"; }
  // "host:port" as sent in the Host header (port omitted when it is the scheme's default).
  std::string host_header() const;
  // Identifies the connection pool a request can reuse.
  std::string pool_key() const;
};

Result<Url> parse_url(std::string_view text);

// Percent-encodes a query parameter value or path segment (RFC 3986 unreserved kept).
std::string url_encode(std::string_view text);

}  // namespace cbx::http
