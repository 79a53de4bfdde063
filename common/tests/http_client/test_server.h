#pragma once
// A small real HTTP/1.1 server on 127.0.0.1 for client tests: Beast, blocking, one thread per
// connection, plain or TLS (optionally requiring a client certificate). Each request is answered
// by a Reply the test's handler builds.
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cbx::http::testing {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> chunks;  // non-empty: chunked body, one chunk per entry
  std::chrono::milliseconds delay_before{0};
  std::chrono::milliseconds delay_between_chunks{0};
  bool hang_after_chunks = false;  // keep the stream open without sending more
  bool drop_after = false;         // close the socket after replying (without saying so)
  bool drop_instead = false;       // close the socket instead of replying
};

struct Seen {
  std::string method;
  std::string target;
  std::string body;
  std::string header_value;  // of Server::watch_header
  std::string client_subject;
  std::string sni;  // server name the client sent in its TLS ClientHello
};

class Server {
 public:
  using Handler = std::function<Reply(const Seen&)>;

  // ssl: null for plain http; require_client_cert only with ssl.
  explicit Server(Handler handler, std::shared_ptr<net::ssl::context> ssl = nullptr)
      : handler_(std::move(handler)), ssl_(std::move(ssl)), acceptor_(ioc_) {
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~Server() { stop(); }

  void stop() {
    if (stopped_.exchange(true)) return;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
  }

  unsigned short port() const { return port_; }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return std::string(ssl_ ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }
  std::vector<Seen> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::string watch_header = "x-test";

 private:
  void accept_loop() {
    while (!stopped_) {
      boost::system::error_code ec;
      auto socket = std::make_shared<tcp::socket>(ioc_);
      acceptor_.accept(*socket, ec);
      if (ec) return;
      ++connections_;
      std::lock_guard lock(mutex_);
      open_fds_.push_back(socket->native_handle());
      threads_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(tcp::socket& socket) {
    boost::system::error_code ec;
    if (!ssl_) {
      session(socket);
    } else {
      net::ssl::stream<tcp::socket&> stream(socket, *ssl_);
      stream.handshake(net::ssl::stream_base::server, ec);
      if (ec) return;
      std::string subject;
      if (X509* cert = SSL_get_peer_certificate(stream.native_handle())) {
        char buf[256];
        X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
        subject = buf;
        X509_free(cert);
      }
      const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      session(stream, subject, sni ? sni : "");
    }
    socket.close(ec);
  }

  template <class Stream>
  void session(Stream& stream, const std::string& subject = "", const std::string& sni = "") {
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      boost::system::error_code ec;
      bhttp::read(stream, buffer, req, ec);
      if (ec) return;
      Seen seen{std::string(req.method_string()),
                std::string(req.target()),
                req.body(),
                std::string(req[watch_header]),
                subject,
                sni};
      {
        std::lock_guard lock(mutex_);
        seen_.push_back(seen);
      }
      Reply reply = handler_(seen);
      std::this_thread::sleep_for(reply.delay_before);
      if (reply.drop_instead) return;
      if (!write_reply(stream, reply, req.keep_alive())) return;
      if (reply.drop_after || !req.keep_alive()) return;
    }
  }

  template <class Stream>
  bool write_reply(Stream& stream, const Reply& reply, bool keep_alive) {
    boost::system::error_code ec;
    if (reply.chunks.empty()) {
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), 11};
      for (const auto& [k, v] : reply.headers) res.set(k, v);
      res.body() = reply.body;
      res.keep_alive(keep_alive);
      res.prepare_payload();
      bhttp::write(stream, res, ec);
      return !ec;
    }
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(reply.status), 11};
    for (const auto& [k, v] : reply.headers) res.set(k, v);
    res.chunked(true);
    res.keep_alive(keep_alive);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    bhttp::write_header(stream, sr, ec);
    for (const auto& chunk : reply.chunks) {
      if (ec) return false;
      net::write(stream, bhttp::make_chunk(net::buffer(chunk)), ec);
      std::this_thread::sleep_for(reply.delay_between_chunks);
    }
    if (reply.hang_after_chunks) {
      while (!stopped_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return false;
    }
    net::write(stream, bhttp::make_chunk_last(), ec);
    return !ec;
  }

  Handler handler_;
  std::shared_ptr<net::ssl::context> ssl_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> stopped_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::vector<Seen> seen_;
};

}  // namespace cbx::http::testing
