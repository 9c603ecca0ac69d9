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

namespace muster::dispatch {

struct PageRequest {
  std::string method;  // "GET", "POST"
  std::string path;    // without the query string
  std::string content_type;
  std::string body;
  std::map<std::string, std::string> query;  // decoded query parameters
};

struct PageResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
};

class AnswerPages {
 public:
  explicit AnswerPages(Dispatcher& dispatcher) : dispatcher_(dispatcher) {}

  // Handles /r/..., /sms/inbound and /sms/receipt; 404 for anything else.
  PageResponse Handle(const PageRequest& request);

 private:
  PageResponse Link(const PageRequest& request);
  PageResponse SmsInbound(const PageRequest& request);
  PageResponse SmsReceipt(const PageRequest& request);

  Dispatcher& dispatcher_;
};

// Decodes application/x-www-form-urlencoded text (also query strings).
std::map<std::string, std::string> ParseForm(std::string_view text);
// A form or a flat JSON object, by content type, as string fields.
std::map<std::string, std::string> ParseFields(const std::string& content_type,
                                               const std::string& body);
// &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace muster::dispatch
