// The pure rendering of `musterctl watch` and `stand-down` (no server).
#include "watch_view.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "client/fake_activation_service.h"
#include "output.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;
using testing::kSampleStart;
using testing::SampleActivation;
using testing::SampleScript;

WatchViewOptions Events(size_t max_events = 8) {
  return WatchViewOptions{.max_events = max_events};
}

TEST_CASE("FormatClock and FormatElapsed", "[watch_view]") {
  CHECK(FormatClock(kSampleStart + 133) == "10:02:13");  // November: GMT
  CHECK(FormatClock(1'782'896'400) == "10:00:00");       // 2026-07-01T09:00Z: BST
  CHECK(FormatClock(kSampleStart + 14 * 3600) == "00:00:00");
  CHECK(CalloutStateName(v1::CALLOUT_NO_ANSWER) == "NO_ANSWER");
  CHECK(CalloutStateName(v1::CALLOUT_STATE_UNSPECIFIED) == "?");
  CHECK(CalloutStateName(static_cast<v1::CalloutState>(99)) == "?");
  CHECK(FormatElapsed(-5) == "0s");
  CHECK(FormatElapsed(45) == "45s");
  CHECK(FormatElapsed(12 * 60 + 3) == "12m 03s");
  CHECK(FormatElapsed(2 * 3600 + 5 * 60 + 59) == "2h 05m");
}

TEST_CASE("Watch plain lines describe each kind of event", "[watch_view]") {
  WatchView view(Events());
  std::vector<std::string> lines;
  for (const auto& event : SampleScript()) {
    view.Apply(event);
    lines.push_back(view.PlainLine(event));
  }
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "10:00:00 watching activation 7 (Tewkesbury flooding), open: first_aid 0/3 accepted, 2 "
        "pending; driver_4x4 0/1 accepted, 1 pending");
  CHECK(lines[1] == "10:00:13 Jo Bloggs (42) ACCEPTED via sms for first_aid");
  CHECK(lines[2] == "10:02:13 wave 2: asking 3 more for first_aid");
  CHECK(lines[3] ==
        "10:05:00 stood down: flood receded: first_aid 1/3 accepted, 0 pending; driver_4x4 0/1 "
        "accepted, 0 pending");
  CHECK(view.state() == v1::STOOD_DOWN);
  CHECK(view.events() == 4);
}

TEST_CASE("Watch describes failures, retries and events without detail", "[watch_view]") {
  WatchView view(Events());
  v1::ActivationEvent e;
  e.set_kind(v1::CALLOUT);
  e.mutable_callout()->set_reservist_id(44);
  e.mutable_callout()->set_name("Ali\x1b[2JKhan");  // an escape sequence must not reach the tty
  e.mutable_callout()->set_state(v1::CALLOUT_FAILED);
  e.mutable_callout()->set_channel("sms");
  e.mutable_callout()->set_last_error("sms_primary: HTTP 503");
  CHECK(view.Describe(e) == "Ali [2JKhan (44) FAILED via sms: sms_primary: HTTP 503");
  e.mutable_callout()->set_state(v1::CALLOUT_QUEUED);
  e.mutable_callout()->set_name("");
  CHECK(view.Describe(e) == "reservist 44 QUEUED via sms (retrying after sms_primary: HTTP 503)");

  e.mutable_callout()->set_state(v1::CALLOUT_STOOD_DOWN);
  e.mutable_callout()->set_last_error("");
  e.set_detail("stand-down delivered via sms (log)");
  CHECK(view.Describe(e) == "reservist 44 STOOD_DOWN via sms: stand-down delivered via sms (log)");

  v1::ActivationEvent wave;
  wave.set_kind(v1::WAVE);
  wave.set_wave(3);
  CHECK(view.Describe(wave) == "wave 3");
  v1::ActivationEvent state;
  state.set_kind(v1::STATE);
  state.set_state(v1::FILLED);
  CHECK(view.Describe(state) == "activation is now filled");
}

TEST_CASE("Watch live frame: header, requirement counts, latest events", "[watch_view]") {
  WatchView view(Events(2));
  auto script = SampleScript();
  for (size_t i = 0; i < 3; ++i) view.Apply(script[i]);
  std::string frame = view.Render(kSampleStart + 12 * 60 + 3);
  CHECK(frame ==
        "activation 7  Tewkesbury flooding\n"
        "state open  started 10:00:00  elapsed 12m 03s\n"
        "\n"
        "SKILL       MIN LEVEL  NEEDED  ASKED  DELIVERED  ACCEPTED  DECLINED  PENDING  "
        "UNREACHABLE  SHORTFALL\n"
        "first_aid           2       3      5          2         1         0        4  "
        "          0          -\n"
        "driver_4x4          1       1      1          0         0         0        1  "
        "          0          -\n"
        "\n"
        "latest events:\n"
        "10:00:13 Jo Bloggs (42) ACCEPTED via sms for first_aid\n"
        "10:02:13 wave 2: asking 3 more for first_aid\n");

  // Once over, the clock stops; lines are cut to the terminal's width.
  view.Apply(script[3]);
  std::string over = view.Render(kSampleStart + 99999, 20);
  CHECK(over.starts_with("activation 7  Tewke…\nstate stood_down  s…\n"));
  for (size_t start = 0; start < over.size();) {
    size_t end = over.find('\n', start);
    CHECK(DisplayWidth(over.substr(start, end - start)) <= 20);
    start = end + 1;
  }
}

TEST_CASE("Watch live frame fits a short terminal", "[watch_view]") {
  WatchView view(Events(8));
  for (const auto& event : SampleScript()) view.Apply(event);
  std::string full = view.Render(kSampleStart);
  CHECK(std::count(full.begin(), full.end(), '\n') == 12);  // 8 lines + 4 events
  // 10 rows: the two oldest events give way, the latest stay.
  std::string ten = view.Render(kSampleStart, 0, 10);
  CHECK(std::count(ten.begin(), ten.end(), '\n') == 10);
  CHECK(
      ten.ends_with("latest events:\n10:02:13 wave 2: asking 3 more for first_aid\n"
                    "10:05:00 stood down: flood receded\n"));
  // Fewer rows than the fixed part: cut at the bottom.
  CHECK(view.Render(kSampleStart, 0, 2) ==
        "activation 7  Tewkesbury flooding\nstate stood_down  "
        "started 10:00:00\n");
}

TEST_CASE("Watch live frame without events list or requirements", "[watch_view]") {
  WatchView view(Events(0));
  v1::ActivationEvent e;
  e.set_kind(v1::STATE);
  e.set_activation_id(9);
  e.set_state(v1::OPEN);
  e.mutable_at()->set_seconds(kSampleStart);
  view.Apply(e);
  CHECK(view.Render(kSampleStart + 5) ==
        "activation 9  \nstate open  started 10:00:00  elapsed 5s\n\nno requirements yet\n");
}

TEST_CASE("LiveScreen redraws in place and restores the cursor", "[watch_view]") {
  std::ostringstream out;
  {
    LiveScreen screen(out);
    screen.Draw("a\nbb\n");
    CHECK(out.str() == "\x1b[?25la\x1b[K\nbb\x1b[K\n\x1b[J");
    out.str("");
    screen.Draw("c\n");  // back up over the two lines, clear what is left below
    CHECK(out.str() == "\r\x1b[2Ac\x1b[K\n\x1b[J");
    out.str("");
  }  // the destructor shows the cursor again
  CHECK(out.str() == "\x1b[?25h");
  std::ostringstream unused;
  { LiveScreen screen(unused); }
  CHECK(unused.str().empty());  // never drew: nothing to restore
}

TEST_CASE("Activation summary after a stand-down", "[watch_view]") {
  v1::Activation a = SampleActivation();
  a.set_state(v1::STOOD_DOWN);
  a.mutable_candidates(0)->set_state(v1::CALLOUT_STOOD_DOWN);
  a.mutable_candidates(1)->set_state(v1::CALLOUT_DECLINED);
  a.add_history()->set_reason("flood receded");
  CHECK(RenderActivationSummary(a) ==
        "id          7\n"
        "title       Tewkesbury flooding\n"
        "state       stood_down\n"
        "reason      flood receded\n"
        "stood down  1\n"
        "\n"
        "SKILL       MIN LEVEL  NEEDED  ASKED  DELIVERED  ACCEPTED  DECLINED  PENDING  "
        "UNREACHABLE  SHORTFALL\n"
        "first_aid           2       3      2          1         0         0        2  "
        "          0          -\n"
        "driver_4x4          1       1      1          0         0         0        1  "
        "          0          -\n");
  a.clear_history();
  CHECK(RenderActivationSummary(a).find("reason      -\n") != std::string::npos);
}

}  // namespace
}  // namespace muster::client
