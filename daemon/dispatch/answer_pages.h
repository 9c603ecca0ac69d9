// The answer endpoint's logic, independent of the HTTP server that carries
// it (daemon/http/): reservists' accept/decline links, an SMS gateway's
// inbound replies and delivery receipts.
//
//   GET  /r/<token>/accept|decline  a small page with a confirm button; it
//                                   changes nothing (link previews in
//                                   messaging apps fetch links). 404 for an
//                                   unknown or stale token, as for POST.
//   POST /r/<token>/accept|decline  records the answer; the page says what
//                                   happened. 404 for an unknown or stale
//                                   token.
//   POST /sms/inbound               form or JSON: from (or From), text (or
//                                   Body): "YES"/"NO"
//   POST /sms/receipt               form or JSON: reference (the message's
//                                   receipt reference; also taken from the
//                                   query), status (or MessageStatus:
//                                   delivered | failed | ...), optional error
// The two /sms/ callbacks are refused (403) unless they satisfy a configured
// gateway's check (notify/sms_callback.h); with none configured, always.
// Their replies, relayed to the sender by the gateway (plain text; TwiML for
// a Twilio-checked request), name nobody and say nothing about the roster or
// the incident.
// Every response carries Cache-Control: no-store and Referrer-Policy:
// no-referrer (answer pages sit under secret URLs).
#pragma once

#include <map>
#include <string>

#include "dispatch/dispatcher.h"
#include "http/http_server.h"
#include "notify/sms_callback.h"

namespace muster::dispatch {

struct AnswerPagesOptions {
  // The public base URL gateways call ("https://muster.example.org", no
  // trailing slash): Twilio-style signatures cover the full URL.
  std::string public_url;
  // How SMS gateway callbacks are checked; empty = callbacks refused.
  std::vector<notify::SmsCallbackCheck> sms_callbacks;
};

// Thread-safe: Handle may run on several HTTP worker threads at once.
class AnswerPages {
 public:
  explicit AnswerPages(Dispatcher& dispatcher, AnswerPagesOptions options = {})
      : dispatcher_(dispatcher), options_(std::move(options)) {}

  // Handles /r/..., /sms/inbound and /sms/receipt; 404 for anything else.
  http::Response Handle(const http::Request& request);
  // Routes the three on an HTTP server. `this` must outlive the routes.
  void Install(http::HttpServer& server);

 private:
  http::Response Link(const http::Request& request);
  http::Response SmsInbound(const http::Request& request);
  http::Response SmsReceipt(const http::Request& request);
  // The first configured gateway check the request satisfies; nullptr if none.
  const notify::SmsCallbackCheck* FromGateway(const http::Request& request) const;

  Dispatcher& dispatcher_;
  const AnswerPagesOptions options_;
};

// A form or a flat JSON object, by content type, as string fields.
std::map<std::string, std::string> ParseFields(const std::string& content_type,
                                               const std::string& body);
// &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace muster::dispatch
