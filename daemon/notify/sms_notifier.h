// The "sms" backend: a generic HTTP SMS gateway, so a real provider plugs in
// by configuration alone. Settings: url (required), method (POST | PUT),
// content_type ("application/json" | "application/x-www-form-urlencoded"),
// body_template (placeholders {to} {text} {reference} {subject}, escaped for
// the content type), auth_header ("Authorization: Bearer X"), headers,
// id_field (response JSON field with the provider's message id, dotted path
// allowed), connect_timeout_ms, timeout_ms, ca_file, verify; and how the
// gateway's callbacks are checked: callback_signature, callback_secret,
// callback_signature_header, callback_allow_from (notify/sms_callback.h).
// {reference} is Message::receipt_reference (unguessable), not the key.
// 2xx = kSent (provider_id from id_field); failures as for webhook.
// Thread-safety: as HttpClient.
#pragma once

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

Result<std::unique_ptr<Notifier>> MakeSmsNotifier(const NotifierSpec& spec,
                                                  boost::asio::any_io_executor executor);

// Substitutes {to} {text} {reference} {subject} in tmpl; values are JSON
// string-escaped (without quotes) when form is false, URL-encoded when true.
std::string RenderSmsTemplate(const std::string& tmpl, const Message& message, bool form);
// Names of the {placeholders} in tmpl that are not known ("" = all known).
std::string UnknownSmsPlaceholder(const std::string& tmpl);
// The string at a dotted path ("data.id") of a JSON text; numbers are printed.
// "" when absent or not JSON.
std::string ExtractJsonField(const std::string& json_text, const std::string& path);

}  // namespace muster::notify
