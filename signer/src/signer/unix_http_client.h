#pragma once
// Minimal HTTP/1.1 client over a Unix domain socket (the dstack guest agent's transport): one
// POST with a JSON body per connection, a deadline over the whole exchange, a response size cap.
#include <chrono>
#include <string>

#include "cbx/base/result.h"

namespace cbx::signer {

struct UnixHttpResponse {
  unsigned status = 0;
  std::string body;
};

// Error code AGENT_UNREACHABLE for connect/IO failures and timeouts, AGENT_BAD_RESPONSE for a
// malformed or oversized answer.
Result<UnixHttpResponse> unix_http_post(const std::string& socket_path, const std::string& target,
                                        const std::string& json_body,
                                        std::chrono::milliseconds timeout);

}  // namespace cbx::signer
