#include "watch_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "activation_flags.h"
#include "core/london_time.h"
#include "output.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

bool Ended(v1::ActivationState state) {
  return state == v1::STOOD_DOWN || state == v1::CANCELLED || state == v1::EXPIRED;
}

// The skill of requirement `index`, or "" if unknown.
std::string SkillOf(const Requirements& requirements, int32_t index) {
  if (index < 0 || index >= requirements.size()) return "";
  return requirements[index].requirement().skill();
}

std::string DescribeCallout(const v1::Candidate& c) {
  std::string who = c.name().empty() ? fmt::format("reservist {}", c.reservist_id())
                                     : fmt::format("{} ({})", CellText(c.name()), c.reservist_id());
  std::string line = fmt::format("{} {}", who, CalloutStateName(c.state()));
  if (!c.channel().empty()) line += " via " + CellText(c.channel());
  if (!c.last_error().empty() &&
      (c.state() == v1::CALLOUT_FAILED || c.state() == v1::CALLOUT_QUEUED)) {
    line += c.state() == v1::CALLOUT_FAILED ? ": " + CellText(c.last_error())
                                            : " (retrying after " + CellText(c.last_error()) + ")";
  }
  return line;
}

// Cuts `text` to `width` code points when width > 0.
std::string Fit(std::string_view text, size_t width) {
  return width > 0 && DisplayWidth(text) > width ? CellText(text, width) : std::string(text);
}

}  // namespace

std::string FormatClock(int64_t unix_seconds) {
  LondonTime t = UtcToLondon(unix_seconds);
  return fmt::format("{:02}:{:02}:{:02}", t.minute_of_day / 60, t.minute_of_day % 60, t.second);
}

std::string FormatElapsed(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m {:02}s", seconds / 60, seconds % 60);
  return fmt::format("{}h {:02}m", seconds / 3600, seconds % 3600 / 60);
}

std::string_view CalloutStateName(v1::CalloutState state) {
  if (state == v1::CALLOUT_STATE_UNSPECIFIED) return "?";
  std::string_view name = v1::CalloutState_Name(state);  // "" if unknown
  return name.starts_with("CALLOUT_") ? name.substr(8) : "?";
}

std::string CountsSummary(const Requirements& requirements) {
  std::string text;
  for (const auto& r : requirements) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{} {}/{} accepted, {} pending", CellText(r.requirement().skill()),
                        r.accepted(), r.requirement().count(), r.pending());
  }
  return text;
}

std::string RenderRequirements(const Requirements& requirements) {
  Table t({{"SKILL"},
           {"MIN LEVEL", Align::kRight},
           {"NEEDED", Align::kRight},
           {"ASKED", Align::kRight},
           {"DELIVERED", Align::kRight},
           {"ACCEPTED", Align::kRight},
           {"DECLINED", Align::kRight},
           {"PENDING", Align::kRight},
           {"UNREACHABLE", Align::kRight},
           {"SHORTFALL", Align::kRight}});
  for (const auto& r : requirements) {
    t.AddRow({r.requirement().skill(), std::to_string(r.requirement().min_level()),
              std::to_string(r.requirement().count()), std::to_string(r.asked()),
              std::to_string(r.delivered()), std::to_string(r.accepted()),
              std::to_string(r.declined()), std::to_string(r.pending()),
              std::to_string(r.unreachable()),
              r.shortfall() > 0 ? std::to_string(r.shortfall()) : "-"});
  }
  return t.Render();
}

std::string RenderActivationSummary(const v1::Activation& a) {
  int stood_down = 0;
  for (const auto& c : a.candidates()) stood_down += c.state() == v1::CALLOUT_STOOD_DOWN;
  std::string reason = a.history_size() > 0 ? a.history(a.history_size() - 1).reason() : "";
  std::vector<DetailRow> rows = {
      {"id", {std::to_string(a.id())}},
      {"title", {a.spec().title()}},
      {"state", {std::string(ActivationStateName(a.state()))}},
      {"reason", {}},
      {"stood down", {std::to_string(stood_down)}},
  };
  if (!reason.empty()) rows[3].values.push_back(reason);
  return RenderDetails(rows) + '\n' + RenderRequirements(a.requirements());
}

void WatchView::Apply(const v1::ActivationEvent& event) {
  if (event.kind() == v1::SNAPSHOT) {
    const v1::Activation& a = event.snapshot();
    if (a.id() != 0) id_ = a.id();
    title_ = a.spec().title();
    if (a.created_at().seconds() != 0) started_ = a.created_at().seconds();
    if (event.requirements_size() == 0) requirements_ = a.requirements();
    if (event.state() == v1::ACTIVATION_STATE_UNSPECIFIED) state_ = a.state();
  }
  if (event.activation_id() != 0) id_ = event.activation_id();
  if (event.state() != v1::ACTIVATION_STATE_UNSPECIFIED) state_ = event.state();
  if (event.requirements_size() > 0) requirements_ = event.requirements();
  if (started_ == 0) started_ = event.at().seconds();
  ++events_seen_;
  if (options_.max_events == 0) return;
  latest_.push_back(FormatClock(event.at().seconds()) + ' ' + Describe(event));
  while (latest_.size() > options_.max_events) latest_.pop_front();
}

std::string WatchView::Describe(const v1::ActivationEvent& event) const {
  std::string detail = CellText(event.detail());
  switch (event.kind()) {
    case v1::SNAPSHOT: {
      const v1::Activation& a = event.snapshot();
      int64_t id = event.activation_id() != 0 ? event.activation_id() : a.id();
      v1::ActivationState state =
          event.state() != v1::ACTIVATION_STATE_UNSPECIFIED ? event.state() : a.state();
      return fmt::format("watching activation {} ({}), {}", id, CellText(a.spec().title()),
                         ActivationStateName(state));
    }
    case v1::CALLOUT: {
      std::string line = DescribeCallout(event.callout());
      std::string skill = SkillOf(requirements_, event.callout().requirement_index());
      if (!skill.empty()) line += " for " + CellText(skill);
      // The server's note tells apart events of the same state, e.g. the
      // stand-down decided, then its message delivered.
      if (!detail.empty()) line += ": " + detail;
      return line;
    }
    case v1::WAVE:
      return detail.empty() ? fmt::format("wave {}", event.wave()) : detail;
    case v1::STATE:
      if (!detail.empty()) return detail;
      return fmt::format("activation is now {}", ActivationStateName(event.state()));
    default:
      return detail.empty() ? "event" : detail;
  }
}

std::string WatchView::PlainLine(const v1::ActivationEvent& event) const {
  std::string line = FormatClock(event.at().seconds()) + ' ' + Describe(event);
  if (event.kind() == v1::SNAPSHOT || event.kind() == v1::STATE) {
    std::string counts = event.requirements_size() > 0
                             ? CountsSummary(event.requirements())
                             : CountsSummary(event.snapshot().requirements());
    if (!counts.empty()) line += ": " + counts;
  }
  return line;
}

std::string WatchView::Render(int64_t now_unix, size_t width, size_t height) const {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("activation {}  {}", id_, CellText(title_)));
  std::string status = fmt::format("state {}", ActivationStateName(state_));
  if (started_ != 0) {
    status += fmt::format("  started {}", FormatClock(started_));
    // Once it has ended the clock stops mattering; elapsed would only grow.
    if (!Ended(state_)) status += "  elapsed " + FormatElapsed(now_unix - started_);
  }
  lines.push_back(status);
  lines.push_back("");
  std::string table =
      requirements_.empty() ? "no requirements yet\n" : RenderRequirements(requirements_);
  for (size_t start = 0; start < table.size();) {
    size_t end = table.find('\n', start);
    lines.push_back(table.substr(start, end - start));
    start = end + 1;
  }
  if (options_.max_events > 0) {
    lines.push_back("");
    lines.push_back("latest events:");
    // On a short terminal the oldest events give way first.
    size_t room = latest_.size();
    if (height > 0) room = std::min(room, height > lines.size() ? height - lines.size() : 0);
    lines.insert(lines.end(), latest_.end() - static_cast<std::ptrdiff_t>(room), latest_.end());
  }
  if (height > 0 && lines.size() > height) lines.resize(height);
  std::string frame;
  for (const std::string& text : lines) {
    frame += Fit(text, width);
    frame += '\n';
  }
  return frame;
}

void LiveScreen::Draw(std::string_view frame) {
  if (!cursor_hidden_) {
    out_ << "\x1b[?25l";
    cursor_hidden_ = true;
  }
  // "\r\x1b[<n>A": to the start of the line n lines up, where the last
  // frame began (cursor up is older and more widely supported than "\x1b[nF").
  // Each line is rewritten and "\x1b[K" erases what a longer old line left;
  // "\x1b[J" erases old lines below a shorter new frame.
  if (lines_ > 0) out_ << "\r\x1b[" << lines_ << 'A';
  lines_ = 0;
  for (size_t start = 0; start < frame.size();) {
    size_t end = frame.find('\n', start);
    if (end == std::string_view::npos) end = frame.size();
    out_ << frame.substr(start, end - start) << "\x1b[K\n";
    ++lines_;
    start = end + 1;
  }
  out_ << "\x1b[J" << std::flush;
}

void LiveScreen::Finish() {
  if (!cursor_hidden_) return;
  out_ << "\x1b[?25h" << std::flush;
  cursor_hidden_ = false;
}

}  // namespace muster::client
