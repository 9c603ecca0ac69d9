// The answer endpoint's logic, independent of the HTTP server that carries
// it (daemon/http/): reservists' accept/decline links, an SMS gateway's
// inbound replies and delivery receipts.
//
//   GET  /r/<token>/accept|decline  a small page with a confirm button; it
//                                   changes nothing (link previews in
//                                   messaging apps fetch links)
//   POST /r/<token>/accept|decline  records the answer; the page says what
//                                   happened. 404 for an unknown or stale
//                                   token.
//   POST /sms/inbound               form or JSON: from, text ("YES"/"NO")
//   POST /sms/receipt               form or JSON: reference (the message's
//                                   idempotency key), status (delivered |
//                                   failed | ...), optional error
#pragma once

#include <map>
#include <string>

#include "dispatch/dispatcher.h"
#include "http/http_server.h"

namespace muster::dispatch {

class AnswerPages {
 public:
  explicit AnswerPages(Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  // Handles /r/..., /sms/inbound and /sms/receipt; 404 for anything else.
  http::Response Handle(const http::Request& request);
  // Routes the three on an HTTP server. `this` must outlive the routes.
  void Install(http::HttpServer& server);

 private:
  http::Response Link(const http::Request& request);
  http::Response SmsInbound(const http::Request& request);
  http::Response SmsReceipt(const http::Request& request);

  Dispatcher& dispatcher_;
};

// A form or a flat JSON object, by content type, as string fields.
std::map<std::string, std::string> ParseFields(const std::string& content_type,
                                               const std::string& body);
// &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace muster::dispatch
