// What `musterctl watch` and `musterctl stand-down` show: the progress of an
// activation's call-outs as text. Rendering is pure (state and clock in, text
// out) so that tests check it without a terminal; LiveScreen only adds the
// ANSI escapes that redraw a frame in place.
//
// Live view (a terminal), redrawn on every event and once a second:
//
//   activation 7  Tewkesbury flooding
//   state open  started 10:00:02  elapsed 12m 03s
//
//   SKILL      MIN LEVEL  NEEDED  ASKED  DELIVERED  ACCEPTED  ...  SHORTFALL
//   first_aid          2      12     15         14         3  ...          -
//
//   latest events:
//   10:02:13 wave 2: asking 3 more for first_aid
//   10:02:15 Jo Bloggs (42) ACCEPTED via sms
//
// Off a terminal each event is one line instead (PlainLine).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "muster/v1/activation.pb.h"

namespace muster::client {

// The per-requirement counts, as the proto holds them.
using Requirements = google::protobuf::RepeatedPtrField<muster::v1::RequirementStatus>;

struct WatchViewOptions {
  // How many of the latest events the live view lists. Default 8.
  size_t max_events = 8;
};

// "10:02:13": the UK wall-clock time (Europe/London, GMT or BST) of a Unix
// time, whatever the time zone of the machine: the times in the messages
// reservists get are UK times too.
std::string FormatClock(int64_t unix_seconds);
// "45s", "12m 03s", "2h 05m"; negative durations count as 0.
std::string FormatElapsed(int64_t seconds);
// "ACCEPTED", "NO_ANSWER", ... (the proto name without CALLOUT_; "?" if unknown).
std::string_view CalloutStateName(muster::v1::CalloutState state);
// "first_aid 3/12 accepted, 9 pending; driver_4x4 1/2 accepted, 0 pending".
std::string CountsSummary(const Requirements& requirements);
// The per-requirement table (SKILL, MIN LEVEL, NEEDED, ASKED, DELIVERED,
// ACCEPTED, DECLINED, PENDING, UNREACHABLE, SHORTFALL; a shortfall of 0
// shows "-"), each line ending in '\n'.
std::string RenderRequirements(const Requirements& requirements);
// What `stand-down` prints: id, title, state, the latest state change's
// reason and how many were stood down, then RenderRequirements.
std::string RenderActivationSummary(const muster::v1::Activation& activation);

// The activation as the events of one watch have shown it. Apply each event
// in stream order. Not thread-safe.
class WatchView {
 public:
  explicit WatchView(WatchViewOptions options = {}) : options_(options) {}

  void Apply(const muster::v1::ActivationEvent& event);

  // The event as one line without time, using what earlier events said
  // (e.g. the title): "wave 2: asking 3 more for first_aid",
  // "Jo Bloggs (42) ACCEPTED via sms for first_aid" (plus ": " and the
  // event's detail when the server gave one). Server text is shown with control
  // characters replaced by spaces, so it cannot move the cursor.
  std::string Describe(const muster::v1::ActivationEvent& event) const;
  // "10:02:13 " + Describe(event); a SNAPSHOT or STATE line ends with the
  // CountsSummary. What a pipe or log gets for each event.
  std::string PlainLine(const muster::v1::ActivationEvent& event) const;
  // The live view's frame at `now_unix`, each line ending in '\n'. When
  // width > 0 lines are cut to `width` code points, and when height > 0 the
  // frame has at most `height` lines (the oldest events are left out first,
  // then lines at the bottom): a frame that wraps or scrolls the terminal
  // could not be redrawn in place.
  std::string Render(int64_t now_unix, size_t width = 0, size_t height = 0) const;

  muster::v1::ActivationState state() const { return state_; }
  // Events applied so far.
  size_t events() const { return events_seen_; }

 private:
  WatchViewOptions options_;
  int64_t id_ = 0;
  std::string title_;
  muster::v1::ActivationState state_ = muster::v1::ACTIVATION_STATE_UNSPECIFIED;
  int64_t started_ = 0;  // created_at of the snapshot, else the first event's time
  Requirements requirements_;
  std::deque<std::string> latest_;  // at most options_.max_events lines, oldest first
  size_t events_seen_ = 0;
};

// Draws frames over each other on a terminal: each Draw moves the cursor back
// up over the previous frame, rewrites it line by line and clears what is
// left below. The cursor is hidden while drawing and shown again by Finish,
// which leaves the last frame on screen. Frames must end in '\n' and have no
// line wider than the terminal. Not thread-safe.
class LiveScreen {
 public:
  explicit LiveScreen(std::ostream& out) : out_(out) {}
  ~LiveScreen() { Finish(); }
  LiveScreen(const LiveScreen&) = delete;
  LiveScreen& operator=(const LiveScreen&) = delete;

  void Draw(std::string_view frame);
  // Shows the cursor again (idempotent).
  void Finish();

 private:
  std::ostream& out_;
  size_t lines_ = 0;  // lines of the frame on screen
  bool cursor_hidden_ = false;
};

}  // namespace muster::client
