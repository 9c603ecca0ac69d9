// The "log" backend: writes one spdlog info line per message and reports
// kDelivered. The info line carries no personal contact data and no answer
// link secrets (links are redacted; the address and the full links are
// logged at debug level only, log.level = "debug"). Settings: none.
// Thread-safe (stateless).
#pragma once

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

// "https://h/r/<token>/accept" -> "https://h/r/<redacted>/accept"; any other
// URL keeps only its scheme and host; "" -> "-".
std::string RedactAnswerLink(const std::string& url);

Result<std::unique_ptr<Notifier>> MakeLogNotifier(const NotifierSpec& spec,
                                                  boost::asio::any_io_executor executor);

}  // namespace muster::notify
