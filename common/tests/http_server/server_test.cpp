// The Beast server over real sockets on loopback (TCP and a Unix socket).
#include "cbx/http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

// Boost 1.74 needs <utility> first: keep this block unsorted.
// clang-format off
#include <utility>  // before Boost 1.74 asio (it misses this include)
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace cbx::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

Response echo_handler(const Request& req) {
  if (req.path() == "/throw") throw std::runtime_error("boom");
  return json_response(200, {{"method", req.method},
                             {"path", std::string(req.path())},
                             {"x", req.query_param("x").value_or("")},
                             {"size", req.body.size()}});
}

struct Client {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;

  explicit Client(std::uint16_t port) {
    socket.connect({net::ip::make_address("127.0.0.1"), port});
  }

  bhttp::response<bhttp::string_body> request(bhttp::verb verb, std::string target,
                                              std::string body = {}, bool keep_alive = true) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "localhost");
    req.body() = std::move(body);
    req.keep_alive(keep_alive);
    req.prepare_payload();
    bhttp::write(socket, req);
    return read();
  }
  bhttp::response<bhttp::string_body> read() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    return res;
  }
  void send_raw(std::string_view bytes) { net::write(socket, net::buffer(bytes)); }
  // Blocks until the server closes the connection; true when it did (EOF or reset).
  bool closed_by_server() {
    char c;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }
};

// Sends `piece` every `every` until a write fails (the server closed the connection) or
// `give_up` passed. True when the server closed it.
bool server_closes_while_trickling(Client& c, std::string_view piece,
                                   std::chrono::milliseconds every = 50ms,
                                   std::chrono::seconds give_up = 15s) {
  auto end = std::chrono::steady_clock::now() + give_up;
  while (std::chrono::steady_clock::now() < end) {
    boost::system::error_code ec;
    net::write(c.socket, net::buffer(piece), ec);
    if (ec) return true;
    std::this_thread::sleep_for(every);
  }
  return false;
}

// A handler whose "/block" requests wait until release(); entered(n) waits for n of them.
class BlockingHandler {
 public:
  Response operator()(const Request& req) {
    if (req.path() == "/block") {
      std::unique_lock lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    return json_response(200, {{"path", std::string(req.path())}});
  }
  void wait_entered(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool released_ = false;
};

nlohmann::json body_json(const bhttp::response<bhttp::string_body>& res) {
  return nlohmann::json::parse(res.body());
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}, Handler handler = echo_handler) {
    server_ = std::make_unique<Server>(std::move(handler), options);
    auto port = server_->listen_tcp("127.0.0.1", 0);
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    server_->start();
  }
  void wait_for_waiting(std::size_t sessions) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server_->waiting_connections() != sessions && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(server_->waiting_connections(), sessions);
  }
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

TEST_F(ServerTest, ReportsTheBoundPortAndServesAHandlerResponse) {
  start();
  EXPECT_NE(port_, 0);
  Client c(port_);
  auto res = c.request(bhttp::verb::post, "/echo?x=a%20b", "hello");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  auto j = body_json(res);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/echo");
  EXPECT_EQ(j["x"], "a b");
  EXPECT_EQ(j["size"], 5);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  Client c(port_);
  for (int i = 0; i < 5; ++i) {
    auto res = c.request(bhttp::verb::get, "/r" + std::to_string(i));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(body_json(res)["path"], "/r" + std::to_string(i));
  }
  EXPECT_EQ(server_->active_connections(), 1u);
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start();
  Client c(port_);
  auto res = c.request(bhttp::verb::get, "/", {}, /*keep_alive=*/false);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(ServerTest, OversizeBodyGets413JsonAndTheServerKeepsServing) {
  ServerOptions o;
  o.body_limit = 1000;
  start(o);
  {
    Client c(port_);
    auto res = c.request(bhttp::verb::post, "/big", std::string(5000, 'a'));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(body_json(res)["error"]["code"], "BODY_TOO_LARGE");
    EXPECT_FALSE(res.keep_alive());
  }
  {
    // Chunked bodies have no Content-Length up front: the limit still applies while reading.
    Client c(port_);
    std::string chunk(800, 'b');
    c.send_raw("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.send_raw("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
    auto res = c.read();
    EXPECT_EQ(res.result_int(), 413);
  }
  Client ok(port_);
  EXPECT_EQ(ok.request(bhttp::verb::post, "/small", std::string(1000, 'a')).result_int(), 200);
}

TEST_F(ServerTest, OversizeHeadersGet431) {
  ServerOptions o;
  o.header_limit = 1024;
  start(o);
  Client c(port_);
  c.send_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(body_json(res)["error"]["code"], "HEADERS_TOO_LARGE");
}

TEST_F(ServerTest, MalformedRequestGets400) {
  start();
  Client c(port_);
  c.send_raw("THIS IS NOT HTTP\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(body_json(res)["error"]["code"], "BAD_HTTP");
}

TEST_F(ServerTest, HandlerExceptionBecomes500AndTheConnectionStaysUsable) {
  start();
  Client c(port_);
  auto res = c.request(bhttp::verb::get, "/throw");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(body_json(res)["error"]["code"], "INTERNAL");
  EXPECT_EQ(c.request(bhttp::verb::get, "/after").result_int(), 200);
}

TEST_F(ServerTest, SlowLorisClientIsDisconnectedWhileOthersAreServed) {
  ServerOptions o;
  o.header_timeout = 300ms;
  start(o);
  Client slow(port_);
  slow.send_raw("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  Client fast(port_);
  EXPECT_EQ(fast.request(bhttp::verb::get, "/").result_int(), 200);
  EXPECT_TRUE(slow.closed_by_server());
}

TEST_F(ServerTest, SlowBodyIsDisconnected) {
  ServerOptions o;
  o.body_timeout = 300ms;
  start(o);
  Client slow(port_);
  slow.send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-a-little");
  EXPECT_TRUE(slow.closed_by_server());
  Client fast(port_);
  EXPECT_EQ(fast.request(bhttp::verb::get, "/").result_int(), 200);
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  start();
  Client c(port_);
  c.send_raw("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  bhttp::response_parser<bhttp::empty_body> p;
  bhttp::read_header(c.socket, c.buffer, p);
  EXPECT_EQ(p.get().result_int(), 100);
  c.send_raw("abc");
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_json(res)["size"], 3);
}

TEST_F(ServerTest, ConnectionsOverTheCapGet503WhenEverySessionIsBusy) {
  ServerOptions o;
  o.max_connections = 2;
  o.threads = 4;  // two of them block in the handler
  auto handler = std::make_shared<BlockingHandler>();
  start(o, [handler](const Request& r) { return (*handler)(r); });
  Client a(port_), b(port_);
  a.send_raw("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send_raw("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  handler->wait_entered(2);
  Client c(port_);
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(body_json(res)["error"]["code"], "TOO_MANY_CONNECTIONS");
  handler->release();
  EXPECT_EQ(a.read().result_int(), 200);
  EXPECT_EQ(b.read().result_int(), 200);
}

TEST_F(ServerTest, AtTheCapTheConnectionWaitingLongestMakesRoom) {
  ServerOptions o;
  o.max_connections = 2;
  start(o);
  Client a(port_);
  ASSERT_EQ(a.request(bhttp::verb::get, "/a").result_int(), 200);  // idle keep-alive, oldest
  // A session starts waiting once its answer is written, on its own strand, which may be after
  // its client read the answer: wait (bounded) until a is waiting before b, and b before c.
  wait_for_waiting(1);
  Client b(port_);
  ASSERT_EQ(b.request(bhttp::verb::get, "/b").result_int(), 200);
  wait_for_waiting(2);
  Client c(port_);
  EXPECT_EQ(c.request(bhttp::verb::get, "/c").result_int(), 200);
  EXPECT_TRUE(a.closed_by_server());
  EXPECT_EQ(b.request(bhttp::verb::get, "/b2").result_int(), 200);
  // The evicted session leaves the table on its own strand, after the client saw the close:
  // wait for it (bounded) rather than read the count at one instant.
  auto end = std::chrono::steady_clock::now() + 10s;
  while (server_->active_connections() != 2u && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(server_->active_connections(), 2u);
}

TEST_F(ServerTest, TricklingClientsCannotHoldEverySlot) {
  ServerOptions o;
  o.max_connections = 4;
  start(o);
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    slow.back()->send_raw("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");  // headers never finish
  }
  Client probe(port_);
  EXPECT_EQ(probe.request(bhttp::verb::get, "/probe").result_int(), 200);
}

TEST_F(ServerTest, RejectedConnectionsTakeNoSlot) {
  ServerOptions o;
  o.max_connections = 1;
  auto handler = std::make_shared<BlockingHandler>();
  start(o, [handler](const Request& r) { return (*handler)(r); });
  Client busy(port_);
  busy.send_raw("GET /block HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  handler->wait_entered(1);
  Client r1(port_), r2(port_);
  ASSERT_EQ(r1.read().result_int(), 503);
  ASSERT_EQ(r2.read().result_int(), 503);
  r1.send_raw("x");  // still talking: the server drains them for a while
  r2.send_raw("x");
  handler->release();
  ASSERT_EQ(busy.read().result_int(), 200);
  ASSERT_TRUE(busy.closed_by_server());
  Client next(port_);
  EXPECT_EQ(next.request(bhttp::verb::get, "/next").result_int(), 200);
}

TEST_F(ServerTest, LingeringCloseAfterAnErrorEndsWhileTheClientKeepsTrickling) {
  ServerOptions o;
  o.linger_timeout = 300ms;
  start(o);
  Client c(port_);
  c.send_raw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_EQ(c.read().result_int(), 400);
  EXPECT_TRUE(server_closes_while_trickling(c, "x"));
}

TEST_F(ServerTest, LingeringCloseStopsAfterItsByteBudget) {
  ServerOptions o;
  o.linger_timeout = 60s;
  o.linger_max_bytes = 64 * 1024;
  start(o);
  Client c(port_);
  c.send_raw("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_EQ(c.read().result_int(), 400);
  std::string chunk(16 * 1024, 'x');
  bool closed = false;
  for (int i = 0; i < 128 && !closed; ++i) {  // 2 MiB at most
    boost::system::error_code ec;
    net::write(c.socket, net::buffer(chunk), ec);
    closed = ec.failed();
    if (!closed) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, TheHeaderDeadlineBoundsTheWholeHeaderHoweverSlowlyItComes) {
  ServerOptions o;
  o.header_timeout = 500ms;
  start(o);
  Client c(port_);
  c.send_raw("GET / HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(server_closes_while_trickling(c, "X-A: b\r\n"));
}

TEST_F(ServerTest, TheBodyDeadlineBoundsTheWholeBodyHoweverSlowlyItComes) {
  ServerOptions o;
  o.body_timeout = 500ms;
  start(o);
  Client c(port_);
  c.send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
  EXPECT_TRUE(server_closes_while_trickling(c, "x"));
}

TEST_F(ServerTest, ShutdownFinishesInFlightRequestsClosesIdleOnesAndStopsAccepting) {
  std::promise<void> entered, release;
  auto release_future = release.get_future().share();
  std::atomic<bool> first{true};
  start({}, [&](const Request& req) {
    if (req.path() == "/slow" && first.exchange(false)) {
      entered.set_value();
      release_future.wait();
    }
    return json_response(200, {{"done", true}});
  });
  Client idle(port_);
  ASSERT_EQ(idle.request(bhttp::verb::get, "/").result_int(), 200);
  Client busy(port_);
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/slow", 11};
  req.set(bhttp::field::host, "x");
  bhttp::write(busy.socket, req);
  entered.get_future().wait();

  auto stopper = std::async(std::launch::async, [&] { server_->shutdown(5000ms); });
  EXPECT_TRUE(idle.closed_by_server());
  release.set_value();
  auto res = busy.read();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());  // told to go away after the in-flight answer
  stopper.get();

  net::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
  EXPECT_TRUE(ec) << "still accepting after shutdown";
}

TEST(ServerUnixSocketTest, ServesOverAUnixSocketAndRemovesItAtShutdown) {
  std::string path = ::testing::TempDir() + "cbx-http-test-" + std::to_string(::getpid()) + ".sock";
  Server server(echo_handler);
  ASSERT_TRUE(server.listen_unix(path));
  server.start();
  net::io_context ioc;
  net::local::stream_protocol::socket s(ioc);
  s.connect(net::local::stream_protocol::endpoint(path));
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/GetKey", 11};
  req.set(bhttp::field::host, "localhost");
  req.body() = "{}";
  req.prepare_payload();
  bhttp::write(s, req);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(s, buf, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(nlohmann::json::parse(res.body())["path"], "/GetKey");
  s.close();
  server.shutdown();
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

TEST(ParseHostPortTest, AcceptsHostPortFormsAndRejectsGarbage) {
  auto a = parse_host_port("127.0.0.1:8443");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8443);
  auto b = parse_host_port("[::1]:0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  auto c = parse_host_port(":80");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_FALSE(parse_host_port("localhost"));
  EXPECT_FALSE(parse_host_port("host:99999"));
  EXPECT_FALSE(parse_host_port("host:12a"));
  EXPECT_FALSE(parse_host_port("::1:80"));
}

TEST(MessageTest, ErrorResponseHasTheSharedShape) {
  auto r = error_response(422, "SOME_CODE", "what went wrong");
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(nlohmann::json::parse(r.body),
            nlohmann::json({{"error", {{"code", "SOME_CODE"}, {"message", "what went wrong"}}}}));
}

TEST(MessageTest, RequestHelpersSplitTargetAndFindHeadersCaseInsensitively) {
  Request r{"GET", "/a/b?nonce=00ff&x=%zz&y", {{"Authorization", "Bearer t"}}, ""};
  EXPECT_EQ(r.path(), "/a/b");
  EXPECT_EQ(r.query(), "nonce=00ff&x=%zz&y");
  EXPECT_EQ(r.query_param("nonce"), "00ff");
  EXPECT_EQ(r.query_param("x"), std::nullopt);  // malformed escape
  EXPECT_EQ(r.query_param("y"), "");
  EXPECT_EQ(r.query_param("z"), std::nullopt);
  EXPECT_EQ(r.header("authorization"), "Bearer t");
  EXPECT_EQ(r.header("missing"), std::nullopt);
}

}  // namespace
}  // namespace cbx::http
