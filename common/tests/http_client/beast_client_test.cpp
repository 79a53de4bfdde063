#include "cbx/http/beast_client.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_pki.h"
#include "test_server.h"

namespace cbx::http {
namespace {

using testing::Reply;
using testing::Seen;
using testing::Server;
using namespace std::chrono_literals;

Request req(std::string method, std::string url) {
  Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  return r;
}

Reply reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::unique_ptr<HttpTransport> plain_client(ClientOptions options = {}) {
  auto client = make_beast_client(std::move(options));
  EXPECT_TRUE(client.ok());
  return std::move(client.value());
}

TEST(BeastClient, ExchangesRequestAndResponse) {
  Server server([](const Seen& seen) {
    Reply r =
        reply(201, seen.method + " " + seen.target + " " + seen.body + " " + seen.header_value);
    r.headers = {{"X-Reply", "yes"}};
    return r;
  });
  auto client = plain_client();
  Request req{"POST", server.url("/items?x=1"), {{"X-Test", "hdr"}}, "payload"};
  auto res = client->request(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "POST /items?x=1 payload hdr");
  EXPECT_EQ(res->header("x-reply"), "yes");
}

TEST(BeastClient, ReportsHttpErrorsAsResponses) {
  Server server([](const Seen&) { return reply(404, "nope"); });
  auto res = plain_client()->request(req("GET", server.url("/missing")));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, "nope");
}

TEST(BeastClient, ReusesKeptAliveConnections) {
  Server server([](const Seen&) { return reply(200, "ok"); });
  auto client = plain_client();
  for (int i = 0; i < 5; ++i) {
    auto res = client->request(req("GET", server.url("/")));
    ASSERT_TRUE(res.ok()) << res.error().message;
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.seen().size(), 5u);
}

TEST(BeastClient, RetriesOnceWhenAKeptAliveConnectionWasClosedByTheServer) {
  Server server([](const Seen&) {
    Reply r = reply(200, "ok");
    r.drop_after = true;
    return r;
  });
  auto client = plain_client();
  ASSERT_TRUE(client->request(req("GET", server.url("/1"))).ok());
  std::this_thread::sleep_for(50ms);  // let the server's close reach us
  auto second = client->request(req("GET", server.url("/2")));
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(server.connections(), 2);
}

TEST(BeastClient, DoesNotReuseAConnectionTheServerClosedWhileIdle) {
  Server server([](const Seen&) {
    Reply r = reply(200, "ok");
    r.drop_after = true;
    return r;
  });
  auto client = plain_client();
  ASSERT_TRUE(client->request(req("GET", server.url("/1"))).ok());
  std::this_thread::sleep_for(50ms);  // the server's FIN arrives while the connection idles
  auto post = client->request(req("POST", server.url("/2")));
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(server.seen().size(), 2u) << "sent once, on a new connection";
  EXPECT_EQ(server.connections(), 2);
}

// The server reads the second request on a kept-alive connection and closes without a reply:
// it may have acted on it, so only an idempotent request is sent again.
class DropSecond {
 public:
  Reply operator()(const Seen&) {
    Reply r = reply(200, "ok");
    r.drop_instead = ++calls_ == 2;
    return r;
  }

 private:
  std::atomic<int> calls_{0};
};

TEST(BeastClient, ResendsAnIdempotentRequestThatGotNoAnswerOnAReusedConnection) {
  auto handler = std::make_shared<DropSecond>();
  Server server([handler](const Seen& s) { return (*handler)(s); });
  auto client = plain_client();
  ASSERT_TRUE(client->request(req("GET", server.url("/1"))).ok());
  auto again = client->request(req("GET", server.url("/2")));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(server.seen().size(), 3u);
}

TEST(BeastClient, DoesNotResendAPostThatGotNoAnswerOnAReusedConnection) {
  auto handler = std::make_shared<DropSecond>();
  Server server([handler](const Seen& s) { return (*handler)(s); });
  auto client = plain_client();
  ASSERT_TRUE(client->request(req("GET", server.url("/1"))).ok());
  auto post = client->request(req("POST", server.url("/2")));
  ASSERT_FALSE(post.ok());
  EXPECT_EQ(post.error().code, "TRANSPORT");
  EXPECT_EQ(server.seen().size(), 2u) << "the POST reached the server once";
}

TEST(BeastClient, TimesOutASlowResponse) {
  Server server([](const Seen&) {
    Reply r = reply(200, "late");
    r.delay_before = 1500ms;
    return r;
  });
  Request slow = req("GET", server.url("/slow"));
  slow.timeout = 100ms;
  auto res = plain_client()->request(slow);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TIMEOUT");
}

TEST(BeastClient, RefusesBodiesOverTheLimit) {
  Server server([](const Seen&) { return reply(200, std::string(4096, 'x')); });
  ClientOptions options;
  options.max_body_bytes = 1024;
  auto res = plain_client(std::move(options))->request(req("GET", server.url("/big")));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TOO_LARGE");
}

TEST(BeastClient, RefusesChunkedBodiesOverTheLimit) {
  Server server([](const Seen&) {
    Reply r;
    r.chunks = {std::string(800, 'x'), std::string(800, 'y')};
    return r;
  });
  ClientOptions options;
  options.max_body_bytes = 1024;
  auto res = plain_client(std::move(options))->request(req("GET", server.url("/big")));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TOO_LARGE");
}

TEST(BeastClient, ReportsConnectionRefusedAsTransportError) {
  unsigned short port;
  {
    Server server([](const Seen&) { return Reply{}; });
    port = server.port();
  }
  auto res = plain_client()->request(req("GET", "http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TRANSPORT");
}

TEST(BeastClient, RejectsBadUrls) {
  auto res = plain_client()->request(req("GET", "gopher://x/"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "BAD_URL");
}

TEST(BeastClientStream, DeliversChunksInOrderAndKeepsTheConnection) {
  Server server([](const Seen&) {
    Reply reply;
    reply.chunks = {"{\"a\":1}\n", "{\"b\":", "2}\n"};
    reply.delay_between_chunks = 10ms;
    return reply;
  });
  auto client = plain_client();
  std::string received;
  auto res = client->stream(
      req("GET", server.url("/watch")),
      [&](std::string_view data) {
        received.append(data);
        return true;
      },
      nullptr);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(received, "{\"a\":1}\n{\"b\":2}\n");
  ASSERT_TRUE(client->request(req("GET", server.url("/again"))).ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastClientStream, StopsWhenTheHandlerSaysSo) {
  Server server([](const Seen&) {
    Reply reply;
    reply.chunks = {"one", "two", "three"};
    reply.delay_between_chunks = 30ms;
    reply.hang_after_chunks = true;
    return reply;
  });
  int calls = 0;
  auto res = plain_client()->stream(
      req("GET", server.url("/w")), [&](std::string_view) { return ++calls < 2; }, nullptr);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(calls, 2);
}

TEST(BeastClientStream, IsCancelledFromAnotherThread) {
  Server server([](const Seen&) {
    Reply reply;
    reply.chunks = {"first\n"};
    reply.hang_after_chunks = true;
    return reply;
  });
  Cancellation cancel;
  std::atomic<int> chunks{0};
  std::thread canceller;
  Request watch = req("GET", server.url("/w"));
  watch.timeout = 60s;
  auto res = plain_client()->stream(
      watch,
      [&](std::string_view) {
        if (chunks++ == 0) {
          canceller = std::thread([&] { cancel.cancel(); });
        }
        return true;
      },
      &cancel);
  canceller.join();
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "CANCELLED");
  EXPECT_EQ(chunks, 1);
}

TEST(BeastClientStream, AlreadyCancelledReturnsAtOnce) {
  Server server([](const Seen&) { return Reply{}; });
  Cancellation cancel;
  cancel.cancel();
  auto res = plain_client()->stream(
      req("GET", server.url("/w")), [](std::string_view) { return true; }, &cancel);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "CANCELLED");
}

TEST(BeastClientStream, TimesOutWhenSilentLongerThanTheIdleTimeout) {
  Server server([](const Seen&) {
    Reply reply;
    reply.chunks = {"x"};
    reply.hang_after_chunks = true;
    return reply;
  });
  Request watch = req("GET", server.url("/w"));
  watch.timeout = 150ms;
  std::string got;
  auto res = plain_client()->stream(
      watch,
      [&](std::string_view d) {
        got.append(d);
        return true;
      },
      nullptr);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TIMEOUT");
  EXPECT_EQ(got, "x");
}

TEST(BeastClientStream, CollectsANonSuccessBodyInsteadOfStreamingIt) {
  Server server([](const Seen&) {
    Reply reply;
    reply.status = 410;
    reply.chunks = {"{\"reason\":", "\"Expired\"}"};
    return reply;
  });
  int calls = 0;
  auto res = plain_client()->stream(
      req("GET", server.url("/w")), [&](std::string_view) { return ++calls > 0; }, nullptr);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 410);
  EXPECT_EQ(res->body, "{\"reason\":\"Expired\"}");
  EXPECT_EQ(calls, 0);
}

// --- TLS ---

using net_ssl_context = boost::asio::ssl::context;

class BeastClientTls : public ::testing::Test {
 protected:
  std::shared_ptr<net_ssl_context> server_context(bool require_client_cert) {
    auto ctx = std::make_shared<net_ssl_context>(boost::asio::ssl::context::tls_server);
    ctx->use_certificate_chain_file(pki_.path("server.crt"));
    ctx->use_private_key_file(pki_.path("server.key"), boost::asio::ssl::context::pem);
    if (require_client_cert) {
      ctx->load_verify_file(pki_.path("ca.crt"));
      ctx->set_verify_mode(boost::asio::ssl::verify_peer |
                           boost::asio::ssl::verify_fail_if_no_peer_cert);
    }
    return ctx;
  }
  static Reply echo_subject(const Seen& seen) { return reply(200, "hello " + seen.client_subject); }
  Result<Response> get(TlsOptions tls, const std::string& url) {
    ClientOptions options;
    options.tls = std::move(tls);
    auto client = make_beast_client(std::move(options));
    if (!client) return client.error();
    return client.value()->request(req("GET", url));
  }

  testing::TestPki pki_;
};

TEST_F(BeastClientTls, VerifiesTheServerAgainstCaData) {
  Server server(echo_subject, server_context(false));
  TlsOptions tls;
  tls.ca_pem = pki_.read("ca.crt");
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, "hello ");
}

TEST_F(BeastClientTls, VerifiesTheServerByHostNameAgainstACaFile) {
  Server server(echo_subject, server_context(false));
  TlsOptions tls;
  tls.ca_file = pki_.path("ca.crt");
  auto res = get(std::move(tls), server.url("/", "localhost"));
  ASSERT_TRUE(res.ok()) << res.error().message;
}

TEST_F(BeastClientTls, SendsTheHostNameAsSniButNotAnIpAddress) {
  Server server([](const Seen& seen) { return reply(200, seen.sni); }, server_context(false));
  TlsOptions by_name;
  by_name.ca_pem = pki_.read("ca.crt");
  auto named = get(std::move(by_name), server.url("/", "localhost"));
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->body, "localhost");
  TlsOptions by_ip;
  by_ip.ca_pem = pki_.read("ca.crt");
  auto ip = get(std::move(by_ip), server.url("/"));
  ASSERT_TRUE(ip.ok()) << ip.error().message;
  EXPECT_EQ(ip->body, "");
  TlsOptions overridden;
  overridden.insecure_skip_verify = true;
  overridden.server_name = "kubernetes.default.svc";
  auto over = get(std::move(overridden), server.url("/"));
  ASSERT_TRUE(over.ok()) << over.error().message;
  EXPECT_EQ(over->body, "kubernetes.default.svc");
}

TEST_F(BeastClientTls, RejectsAServerSignedByAnotherCa) {
  Server server(echo_subject, server_context(false));
  TlsOptions tls;
  tls.ca_pem = pki_.read("other-ca.crt");
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TLS");
}

TEST_F(BeastClientTls, RejectsACertificateForAnotherName) {
  Server server(echo_subject, server_context(false));
  TlsOptions tls;
  tls.ca_pem = pki_.read("ca.crt");
  tls.server_name = "api.example.com";
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, "TLS");
}

TEST_F(BeastClientTls, InsecureSkipVerifyAcceptsAnUnknownCa) {
  Server server(echo_subject, server_context(false));
  TlsOptions tls;
  tls.insecure_skip_verify = true;
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_TRUE(res.ok()) << res.error().message;
}

TEST_F(BeastClientTls, PresentsAClientCertificateFromPemData) {
  Server server(echo_subject, server_context(true));
  TlsOptions tls;
  tls.ca_pem = pki_.read("ca.crt");
  tls.client_cert_pem = pki_.read("client.crt");
  std::string key = pki_.read("client.key");
  tls.client_key_pem = SecretBytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, "hello /CN=cbx-test-client");
}

TEST_F(BeastClientTls, PresentsAClientCertificateFromFiles) {
  Server server(echo_subject, server_context(true));
  TlsOptions tls;
  tls.ca_file = pki_.path("ca.crt");
  tls.client_cert_file = pki_.path("client.crt");
  tls.client_key_file = pki_.path("client.key");
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->body, "hello /CN=cbx-test-client");
}

TEST_F(BeastClientTls, FailsWithoutTheRequiredClientCertificate) {
  Server server(echo_subject, server_context(true));
  TlsOptions tls;
  tls.ca_pem = pki_.read("ca.crt");
  auto res = get(std::move(tls), server.url("/"));
  ASSERT_FALSE(res.ok());
}

TEST_F(BeastClientTls, ReportsUnloadableCredentials) {
  TlsOptions tls;
  tls.ca_pem = "not a certificate";
  ClientOptions options;
  options.tls = std::move(tls);
  auto client = make_beast_client(std::move(options));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "TLS");
}

TEST_F(BeastClientTls, ReusesTlsConnections) {
  Server server(echo_subject, server_context(false));
  ClientOptions options;
  options.tls.ca_pem = pki_.read("ca.crt");
  auto client = make_beast_client(std::move(options));
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(client.value()->request(req("GET", server.url("/"))).ok());
  EXPECT_EQ(server.connections(), 1);
}

}  // namespace
}  // namespace cbx::http
