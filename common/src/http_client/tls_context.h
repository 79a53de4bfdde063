#pragma once
// Builds the OpenSSL context a client uses for every https connection: trusted CAs, optional
// client certificate and key, verification mode.
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "cbx/base/result.h"
#include "cbx/http/beast_client.h"

namespace cbx::http {

Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsOptions& options);

}  // namespace cbx::http
