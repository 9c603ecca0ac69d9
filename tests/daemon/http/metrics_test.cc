// Registry semantics and its text output, checked with the strict parser.
#include "metrics/metrics.h"

#include <catch2/catch.hpp>
#include <thread>

#include "prometheus_parser.h"

using namespace muster;
using muster::testing::ParsePrometheusText;

TEST_CASE("metrics: counters, gauges and histograms render as valid Prometheus text") {
  metrics::Registry r;
  auto& ok = r.GetCounter("muster_calls_total", "Calls.", {{"code", "OK"}, {"method", "A/B"}});
  ok.Inc();
  ok.Inc(2.5);
  ok.Inc(-1);  // ignored: counters only go up
  r.GetCounter("muster_calls_total", "ignored help", {{"code", "NOT_FOUND"}, {"method", "A/B"}})
      .Inc();
  CHECK(&r.GetCounter("muster_calls_total", "", {{"method", "A/B"}, {"code", "OK"}}) == &ok);

  auto& depth = r.GetGauge("muster_depth", "Queue depth.");
  depth.Set(10);
  depth.Dec(3);
  depth.Inc();

  auto& h = r.GetHistogram("muster_latency_seconds", "Latency.", {{"op", "x"}}, {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 2.0, 100.0}) h.Observe(v);

  std::string text = r.RenderText();
  auto t = ParsePrometheusText(text);
  CHECK(t.Value("muster_calls_total", {{"code", "OK"}, {"method", "A/B"}}) == 3.5);
  CHECK(t.Value("muster_calls_total", {{"code", "NOT_FOUND"}, {"method", "A/B"}}) == 1);
  CHECK(t.help.at("muster_calls_total") == "Calls.");
  CHECK(t.Value("muster_depth") == 8);
  CHECK(t.types.at("muster_latency_seconds") == "histogram");
  CHECK(t.Value("muster_latency_seconds_bucket", {{"op", "x"}, {"le", "0.1"}}) ==
        2);  // le inclusive
  CHECK(t.Value("muster_latency_seconds_bucket", {{"op", "x"}, {"le", "1"}}) == 3);
  CHECK(t.Value("muster_latency_seconds_bucket", {{"op", "x"}, {"le", "10"}}) == 4);
  CHECK(t.Value("muster_latency_seconds_bucket", {{"op", "x"}, {"le", "+Inf"}}) == 5);
  CHECK(t.Value("muster_latency_seconds_count", {{"op", "x"}}) == 5);
  CHECK(t.Value("muster_latency_seconds_sum", {{"op", "x"}}) == Approx(102.65));

  // Families sorted by name, stable across renders.
  CHECK(text.find("muster_calls_total") < text.find("muster_depth"));
  CHECK(text.find("muster_depth") < text.find("muster_latency_seconds"));
  CHECK(r.RenderText() == text);
}

TEST_CASE("metrics: default latency buckets span 0.5 ms to 10 s") {
  metrics::Registry r;
  r.GetHistogram("muster_x_seconds", "X.").Observe(0.0002);
  auto t = ParsePrometheusText(r.RenderText());
  CHECK(t.Value("muster_x_seconds_bucket", {{"le", "0.0005"}}) == 1);
  CHECK(t.Value("muster_x_seconds_bucket", {{"le", "10"}}) == 1);
  CHECK(metrics::DefaultLatencyBuckets().front() == 0.0005);
  CHECK(metrics::DefaultLatencyBuckets().back() == 10);
}

TEST_CASE("metrics: label values and help text are escaped") {
  metrics::Registry r;
  r.GetGauge("muster_g", "Help with \\ and\nnewline", {{"v", "a\\b\"c\nd"}}).Set(1);
  std::string text = r.RenderText();
  CHECK(text.find(R"(muster_g{v="a\\b\"c\nd"} 1)") != std::string::npos);
  CHECK(text.find("# HELP muster_g Help with \\\\ and\\nnewline\n") != std::string::npos);
  CHECK(ParsePrometheusText(text).Value("muster_g", {{"v", "a\\b\"c\nd"}}) == 1);
}

TEST_CASE("metrics: invalid names, label names, types and buckets are rejected") {
  metrics::Registry r;
  CHECK(metrics::IsValidMetricName("muster:rate_5m"));
  CHECK(metrics::IsValidMetricName("_x9"));
  CHECK_FALSE(metrics::IsValidMetricName("9x"));
  CHECK_FALSE(metrics::IsValidMetricName("a-b"));
  CHECK_FALSE(metrics::IsValidMetricName(""));
  CHECK_FALSE(metrics::IsValidLabelName("__reserved"));
  CHECK_FALSE(metrics::IsValidLabelName("a:b"));
  CHECK_THROWS_AS(r.GetCounter("bad name", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.GetCounter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.GetHistogram("h_seconds", "x", {{"le", "1"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.GetHistogram("h2_seconds", "x", {}, {1, 1}), std::invalid_argument);
  r.GetCounter("used_total", "x");
  CHECK_THROWS_AS(r.GetGauge("used_total", "x"), std::invalid_argument);
  auto reg = r.AddCallbackGauge("cb", "x", {}, [] { return 1.0; });
  CHECK_THROWS_AS(r.AddCallbackGauge("cb", "x", {}, [] { return 2.0; }), std::invalid_argument);
  CHECK_THROWS_AS(r.GetGauge("cb", "x"), std::invalid_argument);
  // Output is still valid after the rejected calls.
  ParsePrometheusText(r.RenderText());
}

TEST_CASE("metrics: callback gauges are computed at scrape and removed with their registration") {
  metrics::Registry r;
  double size = 5;
  {
    auto reg =
        r.AddCallbackGauge("muster_roster_reservists", "Reservists.", {}, [&] { return size; });
    auto moved = std::move(reg);
    CHECK(ParsePrometheusText(r.RenderText()).Value("muster_roster_reservists") == 5);
    size = 6;
    CHECK(ParsePrometheusText(r.RenderText()).Value("muster_roster_reservists") == 6);
  }
  CHECK(std::isnan(ParsePrometheusText(r.RenderText()).Value("muster_roster_reservists")));
  auto throwing = r.AddCallbackGauge("muster_broken", "x", {},
                                     []() -> double { throw std::runtime_error("no"); });
  CHECK(std::isnan(ParsePrometheusText(r.RenderText()).Value("muster_broken")));
}

TEST_CASE("metrics: concurrent updates are not lost") {
  metrics::Registry r;
  auto& c = r.GetCounter("muster_c_total", "x");
  auto& g = r.GetGauge("muster_g", "x");
  auto& h = r.GetHistogram("muster_h_seconds", "x");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        g.Inc();
        h.Observe(0.001 * (i % 100));
        if (i % 1000 == 0) ParsePrometheusText(r.RenderText());  // scrapes race with updates
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.Value() == 40000);
  CHECK(g.Value() == 40000);
  CHECK(h.Count() == 40000);
  CHECK(&metrics::DefaultRegistry() == &metrics::DefaultRegistry());
}

TEST_CASE("metrics: values are formatted as Prometheus expects") {
  CHECK(metrics::FormatValue(1) == "1");
  CHECK(metrics::FormatValue(0.0005) == "0.0005");
  CHECK(metrics::FormatValue(2.5) == "2.5");
  CHECK(metrics::FormatValue(1.0 / 0.0) == "+Inf");
  CHECK(metrics::FormatValue(-1.0 / 0.0) == "-Inf");
  CHECK(metrics::FormatValue(std::nan("")) == "NaN");
  CHECK(metrics::FormatValue(12345678901.0) == "12345678901");
}
