// The "log" backend: writes one spdlog info line per message and reports
// kDelivered. The info line carries no personal contact data (the address is
// logged at debug level only). Settings: none. Thread-safe (stateless).
#pragma once

#include <memory>

#include "notify/notifier.h"

namespace muster::notify {

Result<std::unique_ptr<Notifier>> MakeLogNotifier(const NotifierSpec& spec,
                                                  boost::asio::any_io_executor executor);

}  // namespace muster::notify
