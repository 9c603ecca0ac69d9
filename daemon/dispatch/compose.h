// ComposeMessage: the message a job's next try sends, from the activation,
// the call-out and the job (keys, receipt reference, channel, words). Pure.
#pragma once

#include <string>

#include "dispatch/delivery_queue.h"
#include "dispatch/live_set.h"
#include "notify/notifier.h"

namespace muster::dispatch {

// The call-out's (or, for a stand-down job, its stand-down's) message on
// the channel the job is at (c.channels[j.channel], which must exist), as
// try number j.attempts_total + 1. Links start with `public_url`.
notify::Message ComposeMessage(const LiveActivation& l, const CalloutRow& c, const Job& j,
                               const std::string& public_url);

}  // namespace muster::dispatch
