// The signer stays available to its operator while unauthenticated clients trickle: 300
// connections that each start a request (malformed, headers that never end, or a body that never
// ends) and then send one byte every 0.8 s, reconnecting whenever the server drops them. Health
// probes on fresh connections must be answered while that goes on. The signer is the real binary
// (simulator provider, 2 threads, default limits: 256 connections) on a loopback port.
#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

#include "signer_process.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

using tcp = net::ip::tcp;
using namespace std::chrono_literals;

constexpr int kAttackers = 300;
constexpr auto kTrickleEvery = 800ms;
constexpr int kProbes = 8;

// Keeps kAttackers connections to the port, each sending `opening` and then one byte per tick.
class TrickleAttack {
 public:
  TrickleAttack(std::uint16_t port, std::string opening)
      : endpoint_(net::ip::make_address("127.0.0.1"), port), opening_(std::move(opening)) {
    for (int i = 0; i < kAttackers; ++i) {
      conns_.push_back(std::make_shared<Conn>(ioc_));
      connect(conns_.back());
    }
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TrickleAttack() {
    net::post(ioc_, [this] {
      stopped_ = true;
      for (auto& c : conns_) {
        boost::system::error_code ec;
        c->timer.cancel();
        c->socket.close(ec);
      }
    });
    thread_.join();
  }

  int opened() const { return opened_.load(); }

 private:
  struct Conn {
    explicit Conn(net::io_context& ioc) : socket(ioc), timer(ioc) {}
    tcp::socket socket;
    net::steady_timer timer;
    std::array<char, 512> sink{};
    bool alive = false;
  };
  using ConnPtr = std::shared_ptr<Conn>;

  void connect(const ConnPtr& c) {
    if (stopped_) return;
    c->socket = tcp::socket(ioc_);
    c->socket.async_connect(endpoint_, [this, c](boost::system::error_code ec) {
      if (ec) return retry_later(c);
      ++opened_;
      c->alive = true;
      net::async_write(c->socket, net::buffer(opening_),
                       [](boost::system::error_code, std::size_t) {});
      read_until_closed(c);
      tick(c);
    });
  }

  void retry_later(const ConnPtr& c) {
    if (stopped_) return;
    c->timer.expires_after(100ms);
    c->timer.async_wait([this, c](boost::system::error_code ec) {
      if (!ec) connect(c);
    });
  }

  // Whatever the server answers is ignored, and so is its half-close (end of stream): the
  // attacker keeps sending into it. Only a reset, or a failed write, makes it come back.
  void read_until_closed(const ConnPtr& c) {
    c->socket.async_read_some(net::buffer(c->sink),
                              [this, c](boost::system::error_code ec, std::size_t) {
                                if (!ec) return read_until_closed(c);
                                if (ec != net::error::eof) reconnect(c);
                              });
  }

  void reconnect(const ConnPtr& c) {
    if (stopped_ || !c->alive) return;
    c->alive = false;
    c->timer.cancel();
    boost::system::error_code ignored;
    c->socket.close(ignored);
    retry_later(c);
  }

  void tick(const ConnPtr& c) {
    c->timer.expires_after(kTrickleEvery);
    c->timer.async_wait([this, c](boost::system::error_code ec) {
      if (ec || stopped_ || !c->alive) return;
      net::async_write(c->socket, net::buffer("a", 1),
                       [this, c](boost::system::error_code wec, std::size_t) {
                         if (wec) return reconnect(c);
                       });
      tick(c);
    });
  }

  net::io_context ioc_;
  tcp::endpoint endpoint_;
  std::string opening_;
  std::vector<ConnPtr> conns_;
  std::thread thread_;
  bool stopped_ = false;  // only touched on the io thread
  std::atomic<int> opened_{0};
};

// Answered: 200 {"status":"ok"} before the probe gave up (the give-up only keeps a failing run
// from hanging).
bool probe_answered(std::uint16_t port) {
  auto reply = get_within(port, "/healthz", 5s);
  return reply && reply->status == 200 && reply->body.is_object() &&
         reply->body.value("status", "") == "ok";
}

int answered_probes_during(const std::string& opening) {
  SignerProcess signer({"--threads", "2"});
  EXPECT_NE(signer.port(), 0) << signer.log();
  if (signer.port() == 0) return -1;
  EXPECT_TRUE(probe_answered(signer.port())) << "not even answered before the attack";
  TrickleAttack attack(signer.port(), opening);
  // Let every attacker connect and the trickle run a round or two before probing.
  for (int i = 0; i < 100 && attack.opened() < kAttackers; ++i) std::this_thread::sleep_for(50ms);
  std::this_thread::sleep_for(2 * kTrickleEvery);
  int answered = 0;
  for (int i = 0; i < kProbes; ++i) {
    if (probe_answered(signer.port())) ++answered;
    std::this_thread::sleep_for(300ms);
  }
  std::cout << "[ probes   ] " << answered << " of " << kProbes
            << " answered; attacker connections "
            << "opened: " << attack.opened() << " for " << kAttackers << " attackers\n";
  return answered;
}

TEST(SlowClientTest, ProbesAreAnsweredWhileMalformedRequestsTrickleIntoTheLingeringClose) {
  EXPECT_EQ(answered_probes_during("THIS IS NOT HTTP\r\n\r\n"), kProbes);
}

TEST(SlowClientTest, ProbesAreAnsweredWhileHeadersTrickle) {
  EXPECT_EQ(answered_probes_during("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "), kProbes);
}

TEST(SlowClientTest, ProbesAreAnsweredWhileBodiesTrickle) {
  EXPECT_EQ(answered_probes_during(
                "POST /v1/sign HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"entries\":"),
            kProbes);
}

}  // namespace
}  // namespace cbx::signer::test
