"""A real SMTP server for the tests (aiosmtpd from Debian): STARTTLS required
before AUTH, AUTH required before MAIL, every accepted mail written to a
directory as NNNN.eml. A mail whose subject holds `reject-550` is refused
(550), one with `defer-451` deferred (451) the first time it is seen.

usage: smtp-server.py PORT CERT KEY USER PASSWORD MAILDIR
Prints `ready` once it listens on 127.0.0.1:PORT."""
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, maildir = sys.argv[1:7]
deferred = set()


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd answers a failure with 535 itself
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode('utf8', 'replace')
        head = text.split('\r\n\r\n', 1)[0]
        if 'reject-550' in head:
            return '550 5.1.1 mailbox unavailable'
        if 'defer-451' in head and head not in deferred:
            deferred.add(head)
            return '451 4.3.0 try again later'
        n = len(os.listdir(maildir))
        tmp = os.path.join(maildir, f'.{n:04d}.tmp')
        with open(tmp, 'w') as f:
            f.write(f'X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {",".join(envelope.rcpt_tos)}\r\n{text}')
        os.rename(tmp, os.path.join(maildir, f'{n:04d}.eml'))
        return '250 OK queued'


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname='127.0.0.1', port=int(port), tls_context=context, require_starttls=True,
                        authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
print('ready', flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
