// The words of call-out and stand-down messages, one plain-text form that
// fits SMS, e-mail and webhooks alike. No personal data beyond the
// recipient's own name.
#pragma once

#include <string>

#include "activation/activation.h"

namespace muster::dispatch {

struct MessageText {
  std::string subject;
  std::string text;
  std::string accept_url;  // call-outs only
  std::string decline_url;
};

// "Jo Bloggs, you are asked to help: Tewkesbury flooding (emergency). ...
// Accept: <url>/r/<token>/accept  Decline: <url>/r/<token>/decline"
MessageText CalloutText(const ActivationSpec& spec, const std::string& name, double distance_km,
                        const std::string& skill, const std::string& public_url,
                        const std::string& token, const std::string& key);
// Why they are stood down: the activation's end (cancelled, stood down) or
// the requirement filling before they answered.
MessageText StandDownText(const ActivationSpec& spec, const std::string& name,
                          const std::string& reason, const std::string& key);
// The page/SMS reply after an answer.
std::string AnswerReply(const std::string& outcome, const std::string& name,
                        const ActivationSpec& spec);

// "Wed 25 Nov 18:00" in Europe/London time.
std::string LondonShort(int64_t unix_seconds);

}  // namespace muster::dispatch
