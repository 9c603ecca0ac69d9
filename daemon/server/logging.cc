#include "server/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "core/text.h"

namespace muster::logging {

namespace {

thread_local std::string current_request_id;

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

// One JSON object per line; see logging.h.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto since_epoch = msg.time.time_since_epoch();
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs).count();
    std::time_t t = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string line = "{\"ts\":\"";
    line += ts;
    line += fmt::format(".{:03}Z\",\"level\":\"", millis);
    line += LevelName(msg.level);
    line += "\",\"logger\":\"";
    AppendJsonEscaped(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line += "\",\"msg\":\"";
    AppendJsonEscaped(line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += '"';
    if (!current_request_id.empty()) {
      line += ",\"request_id\":\"";
      AppendJsonEscaped(line, current_request_id);
      line += '"';
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// %* in text patterns: " [req ID]" while a request id is set, else nothing.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    if (current_request_id.empty()) return;
    std::string text = " [req " + current_request_id + "]";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

}  // namespace

std::string Printable(std::string_view text, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : Utf8SequenceLength(text, i);
    if (i + std::max<size_t>(len, 1) > max_bytes) break;
    if (len == 0) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    if (len > 1) {
      out.append(text.substr(i, len));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
    i += len;
  }
  if (i < text.size()) out += fmt::format("...(+{} bytes)", text.size() - i);
  return out;
}

ScopedRequestId::ScopedRequestId(std::string id)
    : previous_(std::exchange(current_request_id, std::move(id))) {}

ScopedRequestId::~ScopedRequestId() {
  current_request_id = std::move(previous_);
}

void SetCurrentRequestId(std::string id) {
  current_request_id = std::move(id);
}

const std::string& CurrentRequestId() {
  return current_request_id;
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(const std::string& format) {
  if (format == "json") return std::make_unique<JsonFormatter>();
  if (format == "text") {
    // spdlog's default pattern plus the request id.
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<RequestIdFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$]%* %v");
    return f;
  }
  return nullptr;
}

Status SetupLogging(const std::string& level, const std::string& format) {
  static const std::pair<const char*, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off}};
  const spdlog::level::level_enum* chosen = nullptr;
  for (const auto& [name, value] : kLevels) {
    if (level == name) chosen = &value;
  }
  if (chosen == nullptr) {
    return Status::InvalidArgument("log.level", "'" + level +
                                                    "' is not one of trace, debug, info, warn, "
                                                    "error, critical, off");
  }
  auto formatter = MakeLogFormatter(format);
  if (!formatter) {
    return Status::InvalidArgument("log.format", "'" + format + "' is not one of text, json");
  }
  spdlog::sink_ptr sink;
  if (format == "json") {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();  // no colour codes in JSON
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  sink->set_formatter(std::move(formatter));
  auto logger = std::make_shared<spdlog::logger>("musterd", std::move(sink));
  logger->set_level(*chosen);
  spdlog::drop("musterd");
  spdlog::set_default_logger(std::move(logger));
  spdlog::set_level(*chosen);
  return Status::Ok();
}

}  // namespace muster::logging
