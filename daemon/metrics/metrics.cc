#include "metrics/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace muster::metrics {

namespace {

bool IsNameChar(char c, bool first, bool colon_ok) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon_ok && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool IsValidName(std::string_view name, bool colon_ok) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, colon_ok)) return false;
  }
  return true;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="1",b="2"}; `extra` (histograms' le) goes last. Empty labels -> "".
std::string LabelText(const Labels& labels, const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && extra == nullptr) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += EscapeLabelValue(v);
    out += '"';
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (extra != nullptr) add(extra->first, extra->second);
  out += '}';
  return out;
}

void AppendSample(std::string& out, std::string_view name, const std::string& labels,
                  double value) {
  out += name;
  out += labels;
  out += ' ';
  out += FormatValue(value);
  out += '\n';
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, true);
}

bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, false) && name.substr(0, 2) != "__";
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

// ---------------------------------------------------------------- Histogram

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  // First bucket whose upper bound is >= value (le is inclusive).
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

// ---------------------------------------------------------------- CallbackRegistration

CallbackRegistration& CallbackRegistration::operator=(CallbackRegistration&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void CallbackRegistration::Reset() {
  if (registry_ != nullptr) registry_->RemoveCallback(id_);
  registry_ = nullptr;
  id_ = 0;
}

// ---------------------------------------------------------------- Registry

Registry::Family& Registry::FamilyFor(std::string_view name, std::string_view help, Type type,
                                      const Labels& labels) {
  if (!IsValidMetricName(name)) {
    throw std::invalid_argument(fmt::format("metric name '{}' is not valid", name));
  }
  for (const auto& [label, value] : labels) {
    if (!IsValidLabelName(label) || (type == Type::kHistogram && label == "le")) {
      throw std::invalid_argument(
          fmt::format("metric {}: label name '{}' is not valid", name, label));
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}, {}, {}})
             .first;
  } else if (it->second.type != type) {
    throw std::invalid_argument(
        fmt::format("metric {} already registered with another type", name));
  }
  return it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kCounter, labels).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kGauge, labels);
  if (family.callbacks.count(labels) != 0) {
    throw std::invalid_argument(fmt::format("metric {}: series is a callback gauge", name));
  }
  auto& slot = family.gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kHistogram, labels);
  if (family.histograms.empty() && family.bounds.empty()) {
    family.bounds = bounds.empty() ? DefaultLatencyBuckets() : bounds;
    bool ascending = std::adjacent_find(family.bounds.begin(), family.bounds.end(),
                                        std::greater_equal<>()) == family.bounds.end();
    bool finite = std::all_of(family.bounds.begin(), family.bounds.end(),
                              [](double b) { return std::isfinite(b); });
    if (!ascending || !finite) {
      family.bounds.clear();
      throw std::invalid_argument(
          fmt::format("metric {}: bucket bounds must be finite and ascending", name));
    }
  }
  auto& slot = family.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(family.bounds);
  return *slot;
}

CallbackRegistration Registry::AddCallbackGauge(std::string_view name, std::string_view help,
                                                const Labels& labels,
                                                std::function<double()> callback) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kGauge, labels);
  if (family.callbacks.count(labels) != 0 || family.gauges.count(labels) != 0) {
    throw std::invalid_argument(fmt::format("metric {}: series already registered", name));
  }
  std::uint64_t id = next_callback_id_++;
  family.callbacks.emplace(labels, std::make_pair(id, std::move(callback)));
  return CallbackRegistration(this, id);
}

void Registry::RemoveCallback(std::uint64_t id) {
  std::lock_guard lock(mu_);
  for (auto& [name, family] : families_) {
    for (auto it = family.callbacks.begin(); it != family.callbacks.end(); ++it) {
      if (it->second.first == id) {
        family.callbacks.erase(it);
        return;
      }
    }
  }
}

std::string Registry::RenderText() const {
  static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(family.help), name,
                       kTypeNames[static_cast<int>(family.type)]);
    switch (family.type) {
      case Type::kCounter:
        for (const auto& [labels, c] : family.counters) {
          AppendSample(out, name, LabelText(labels, nullptr), c->Value());
        }
        break;
      case Type::kGauge: {
        // Plain and callback series merged in label order.
        std::map<Labels, double> values;
        for (const auto& [labels, g] : family.gauges) values[labels] = g->Value();
        for (const auto& [labels, cb] : family.callbacks) {
          try {
            values[labels] = cb.second();
          } catch (...) {
            values[labels] = std::nan("");  // a failing callback must not break the scrape
          }
        }
        for (const auto& [labels, v] : values)
          AppendSample(out, name, LabelText(labels, nullptr), v);
        break;
      }
      case Type::kHistogram:
        for (const auto& [labels, h] : family.histograms) {
          std::vector<std::uint64_t> counts = h->CumulativeCounts();
          for (size_t i = 0; i < counts.size(); ++i) {
            std::pair<std::string, std::string> le{
                "le", i < h->bounds().size() ? FormatValue(h->bounds()[i]) : "+Inf"};
            AppendSample(out, name + "_bucket", LabelText(labels, &le),
                         static_cast<double>(counts[i]));
          }
          std::string plain = LabelText(labels, nullptr);
          AppendSample(out, name + "_sum", plain, h->Sum());
          AppendSample(out, name + "_count", plain, static_cast<double>(counts.back()));
        }
        break;
    }
  }
  return out;
}

Registry& DefaultRegistry() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

}  // namespace muster::metrics
