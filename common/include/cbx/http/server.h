#pragma once
// HTTP/1.1 server on Boost.Beast: a multi-threaded io_context, one session object per connection
// (listener / session / handler, as Beast's advanced server), per-phase read deadlines, size
// limits, keep-alive, a connection cap and graceful shutdown. Listens on TCP and Unix sockets.
//
//   cbx::http::Server server(handler, options);
//   auto port = server.listen_tcp("127.0.0.1", 0);   // port 0: the OS picks, the result says
//   server.start();
//   ...
//   server.shutdown();   // stop accepting, finish in-flight requests, stop the threads
//
// Failures a client causes are answered with the JSON error shape of message.h:
//   413 BODY_TOO_LARGE, 431 HEADERS_TOO_LARGE, 400 BAD_HTTP, 503 TOO_MANY_CONNECTIONS,
//   500 INTERNAL (the handler threw). A client that is too slow is disconnected without answer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cbx/base/result.h"
#include "cbx/http/message.h"

namespace cbx::http {

struct ServerOptions {
  std::size_t threads = 2;
  std::size_t body_limit = 1 << 20;  // bytes of request body
  std::size_t header_limit = 8 * 1024;
  // Connections served at once. At the cap a newcomer takes the slot of the connection that has
  // waited longest for its client (reading a request, idle keep-alive, lingering); only when all
  // are busy handling or writing does it get 503 (those rejected ones take no slot).
  std::size_t max_connections = 256;
  // Deadlines, per phase, each on the phase's total time however slowly the bytes come. The header
  // deadline runs from the moment the server waits for the next request, so it also bounds a
  // keep-alive connection's idle time.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  // After an error answer the server drains what the client still sends before closing (so the
  // answer is not lost to a reset): at most this long and this many bytes in total.
  std::chrono::milliseconds linger_timeout{1'000};
  std::size_t linger_max_bytes = 256 * 1024;
};

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:0", "localhost:80", ":8080" (all interfaces).
Result<HostPort> parse_host_port(std::string_view text);

class Server {
 public:
  explicit Server(Handler handler, ServerOptions options = {});
  ~Server();  // shuts down if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts listening (accepting begins with start()). Returns the bound port.
  Result<std::uint16_t> listen_tcp(std::string_view host, std::uint16_t port);
  // Binds a Unix domain socket at `path`, replacing a stale socket file.
  Status listen_unix(const std::string& path);

  void start();
  // Idempotent. Stops accepting, closes idle connections, lets requests being handled finish and
  // their responses be written (up to `grace`), then stops the threads. Never call from a handler.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds{10'000});

  std::size_t active_connections() const;
  // Connections waiting for their client (idle keep-alive, a request still arriving): evictable.
  std::size_t waiting_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// For main(): block SIGINT/SIGTERM in this thread (call before starting any thread, so every
// thread inherits the mask), then wait for one of them. Returns the signal number.
void block_termination_signals();
int wait_for_termination_signal();

}  // namespace cbx::http
