// Fuzz target: the TOML config reader (daemon/config/config.h), which reads
// musterd's --config file.
//
// Properties: ParseConfig never throws (toml++ reports errors by exception;
// every one must become a Status); a config it accepts passes ValidateConfig
// (which main runs again after flags); every rejection names the key at
// fault or says what is wrong; the same text gives the same answer twice.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  std::string_view text = muster::fuzz::AsText(data, size);
  auto config = muster::ParseConfig(text, "fuzz.toml");
  auto again = muster::ParseConfig(text, "fuzz.toml");
  FUZZ_CHECK(config.ok() == again.ok(), "the same text gives the same answer");
  if (!config.ok()) {
    FUZZ_CHECK(!config.status().message().empty(), "a rejection says what is wrong");
    FUZZ_CHECK(config.status().ToString() == again.status().ToString(), "the same error twice");
    return 0;
  }
  FUZZ_CHECK(muster::ValidateConfig(*config).ok(), "an accepted config validates");
  FUZZ_CHECK(config->http_max_connections_per_client > 0 && config->http_idle_timeout_ms > 0 &&
                 config->per_person_hourly_cap > 0 && config->sweep_interval_ms > 0,
             "accepted limits are positive");
  for (const auto& token : config->tokens) {
    FUZZ_CHECK(token.sha256.size() == 64, "a token is stored as a SHA-256");
  }
  return 0;
}
