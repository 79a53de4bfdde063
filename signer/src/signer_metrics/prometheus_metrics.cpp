#include "signer_metrics/prometheus_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>

#include "signer/signer_service.h"

namespace cbx::signer {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

class PrometheusMetrics : public Metrics {
 public:
  explicit PrometheusMetrics(bool simulated)
      : registry_(std::make_shared<prometheus::Registry>()),
        requests_(BuildCounter()
                      .Name("cipherbox_signer_requests_total")
                      .Help("HTTP requests by route and status code")
                      .Register(*registry_)),
        latency_(BuildHistogram()
                     .Name("cipherbox_signer_request_duration_seconds")
                     .Help("HTTP request handling time by route")
                     .Register(*registry_)),
        entries_(BuildCounter()
                     .Name("cipherbox_signer_entries_total")
                     .Help("Entries processed by operation and result (ok or error code)")
                     .Register(*registry_)),
        batch_(BuildHistogram()
                   .Name("cipherbox_signer_batch_entries")
                   .Help("Entries per request by operation")
                   .Register(*registry_)),
        epoch_keys_(BuildGauge()
                        .Name("cipherbox_signer_epoch_keys_cached")
                        .Help("Epoch keys derived and held in memory")
                        .Register(*registry_)
                        .Add({})),
        info_(BuildGauge()
                  .Name("cipherbox_signer_info")
                  .Help("Signer build and mode")
                  .Register(*registry_)) {
    info_.Add({{"version", kSignerVersion}, {"simulated", simulated ? "true" : "false"}}).Set(1);
  }

  void request(std::string_view route, unsigned status, double seconds) override {
    std::lock_guard lock(mu_);
    requests_.Add({{"route", std::string(route)}, {"code", std::to_string(status)}}).Increment();
    latency_.Add({{"route", std::string(route)}}, kLatencyBuckets).Observe(seconds);
  }
  void entry(std::string_view op, std::string_view result) override {
    std::lock_guard lock(mu_);
    entries_.Add({{"op", std::string(op)}, {"result", std::string(result)}}).Increment();
  }
  void batch(std::string_view op, std::size_t n) override {
    std::lock_guard lock(mu_);
    batch_.Add({{"op", std::string(op)}}, kBatchBuckets).Observe(static_cast<double>(n));
  }
  void epoch_keys_cached(std::size_t n) override { epoch_keys_.Set(static_cast<double>(n)); }
  std::optional<std::string> exposition() override {
    return prometheus::TextSerializer().Serialize(registry_->Collect());
  }

 private:
  inline static const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  inline static const prometheus::Histogram::BucketBoundaries kBatchBuckets = {1, 5, 10, 25, 50};

  std::mutex mu_;  // Family::Add is thread-safe; the lock keeps label lookups cheap and simple
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& entries_;
  prometheus::Family<prometheus::Histogram>& batch_;
  prometheus::Gauge& epoch_keys_;
  prometheus::Family<prometheus::Gauge>& info_;
};

}  // namespace

std::unique_ptr<Metrics> make_prometheus_metrics(bool simulated) {
  return std::make_unique<PrometheusMetrics>(simulated);
}

}  // namespace cbx::signer
