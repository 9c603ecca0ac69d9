// The "email" backend: an SMTP client on Asio (one connection per message).
// Settings: host (required), port (25), from (required), helo
// ("muster.localhost"), starttls ("require" | "auto": use when offered |
// "off"; default DefaultStartTls(host)), username/password (AUTH PLAIN, only ever over TLS),
// ca_file, verify (true: check the server certificate and host name), connect_timeout_ms (10000),
// timeout_ms (whole session, 30000). Outcomes: 250 after DATA = kDelivered; a 4xx reply to
// MAIL/RCPT/DATA = kRetry, 5xx = kPermanent; connection, TLS, greeting, EHLO, AUTH problems and
// timeouts = kRetry (they are the server's or the configuration's, not the
// address's). The message is built by mime.h.
// Thread-safety: Send/Shutdown from any thread; I/O on a strand.
#pragma once

#include <memory>
#include <string>

#include "notify/notifier.h"

namespace muster::notify {

// The starttls default for a server: "auto" for localhost and loopback
// literals (127.0.0.0/8, ::1), where nobody sits between daemon and server;
// "require" for anything else, so that a man in the middle cannot strip TLS
// by hiding the STARTTLS offer.
const char* DefaultStartTls(const std::string& host);

Result<std::unique_ptr<Notifier>> MakeEmailNotifier(const NotifierSpec& spec,
                                                    boost::asio::any_io_executor executor);

}  // namespace muster::notify
