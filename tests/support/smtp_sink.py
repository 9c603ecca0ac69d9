#!/usr/bin/python3
"""A real SMTP server for notifier tests (aiosmtpd, Debian's python3-aiosmtpd).

Binds 127.0.0.1 on a kernel-chosen port, prints the port on stdout (one line),
and writes each accepted message to OUT_DIR as msg-NNNNNN.eml:

    X-Envelope-From: <sender>
    X-Envelope-To: <rcpt>        (one line per recipient)
    <blank line>
    <the DATA exactly as received, dot-unstuffed, CRLF line ends>

Options: --cert/--key enable STARTTLS; --require-tls refuses MAIL before it;
--auth USER:PASS accepts AUTH PLAIN/LOGIN with those credentials (TLS only);
--reject-rcpt ADDR answers 550 to RCPT TO that address; --tempfail-rcpt ADDR
answers 451. Runs until killed.
"""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, out_dir, reject, tempfail):
        self.out_dir = out_dir
        self.reject = set(reject)
        self.tempfail = set(tempfail)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        if address in self.tempfail:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        head = "X-Envelope-From: %s\r\n" % envelope.mail_from
        for rcpt in envelope.rcpt_tos:
            head += "X-Envelope-To: %s\r\n" % rcpt
        head += "X-Session-TLS: %s\r\n" % ("yes" if session.ssl else "no")
        head += "X-Session-Auth: %s\r\n" % ("yes" if session.authenticated else "no")
        final = os.path.join(self.out_dir, "msg-%06d.eml" % self.count)
        tmp = final + ".tmp"
        with open(tmp, "wb") as f:
            f.write(head.encode() + b"\r\n" + data)
        os.rename(tmp, final)  # readers never see a half-written file
        return "250 2.0.0 accepted as %d" % self.count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--reject-rcpt", action="append", default=[])
    p.add_argument("--tempfail-rcpt", action="append", default=[])
    a = p.parse_args()

    tls_context = None
    if a.cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(a.cert, a.key)

    authenticator = None
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False)  # False: the server answers 535

    handler = Handler(a.out_dir, a.reject_rcpt, a.tempfail_rcpt)

    def factory():
        return SMTP(handler, hostname="sink.localhost", tls_context=tls_context,
                    require_starttls=a.require_tls, authenticator=authenticator,
                    auth_require_tls=True, auth_required=bool(a.auth))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print(server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
