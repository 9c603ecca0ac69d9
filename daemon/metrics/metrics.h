// Metrics registry: counters, gauges, histograms and callback gauges, each
// family with label sets, rendered as Prometheus text exposition format 0.0.4.
//
// Thread-safety: everything here is thread-safe. Getting a handle
// (GetCounter/GetGauge/GetHistogram) takes the registry mutex; the handle is
// valid for the registry's lifetime and its hot-path operations (Inc, Set,
// Observe) are lock-free atomics. Obtain handles once and keep them.
//
// Names are constants in the code, so a bad name, a bad label name or reusing
// a name with another type is a bug: those calls throw std::invalid_argument
// (tests catch it). Values are never validated.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace muster::metrics {

// Label name -> value. Ordered, so output order is stable.
using Labels = std::map<std::string, std::string>;

// A monotonically increasing value (Inc with a negative amount is ignored).
class Counter {
 public:
  void Inc(double amount = 1.0) {
    if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Dec(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is
// implicit). Buckets are stored non-cumulatively and summed at scrape.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound plus the +Inf bucket last.
  std::vector<std::uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t Count() const { return CumulativeCounts().back(); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, 0.5 ms .. 10 s.
const std::vector<double>& DefaultLatencyBuckets();

class Registry;

// Keeps a callback gauge registered; removing it (destruction) waits for a
// scrape in progress, so the callback never runs after this is destroyed.
class CallbackRegistration {
 public:
  CallbackRegistration() = default;
  CallbackRegistration(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  CallbackRegistration(CallbackRegistration&& other) noexcept { *this = std::move(other); }
  CallbackRegistration& operator=(CallbackRegistration&& other) noexcept;
  CallbackRegistration(const CallbackRegistration&) = delete;
  CallbackRegistration& operator=(const CallbackRegistration&) = delete;
  ~CallbackRegistration() { Reset(); }
  void Reset();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The handle for (name, labels), created at zero on first use. `help` is
  // taken from the first call for a name.
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // `bounds` (ascending, finite) are fixed by the first call for a name;
  // empty = DefaultLatencyBuckets().
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          const std::vector<double>& bounds = {});

  // A gauge whose value is computed at scrape time (e.g. the roster size).
  // The callback runs with the registry locked: it must not call into this
  // registry, and should be quick. Keep the returned registration alive for
  // as long as the callback's captures are.
  [[nodiscard]] CallbackRegistration AddCallbackGauge(std::string_view name, std::string_view help,
                                                      const Labels& labels,
                                                      std::function<double()> callback);

  // Prometheus text format 0.0.4: families sorted by name, series by labels.
  std::string RenderText() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  friend class CallbackRegistration;
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;  // histograms only
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::pair<std::uint64_t, std::function<double()>>> callbacks;
  };

  Family& FamilyFor(std::string_view name, std::string_view help, Type type, const Labels& labels);
  void RemoveCallback(std::uint64_t id);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::uint64_t next_callback_id_ = 1;
};

// The process-wide registry the daemon exports on /metrics.
Registry& DefaultRegistry();

// True for [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);
// True for [a-zA-Z_][a-zA-Z0-9_]* not starting with "__".
bool IsValidLabelName(std::string_view name);
// A sample value as Prometheus writes it: shortest round-trip decimal,
// "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);
// Label value escaped for the text format: \ -> \\, " -> \", newline -> \n.
std::string EscapeLabelValue(std::string_view value);

}  // namespace muster::metrics
