#!/usr/bin/env python3
"""The Python side of bench/e2e/send-speed (the anchors; see that script).

  send_speed.py token USER                       prints an access token (test-only password grant, client mail-test)
  send_speed.py smtplib USER N TOKEN             smtplib, one connection: compose (email.message) and send N messages
  send_speed.py ceiling USER N TOKEN [SENDERS]   SENDERS (8) processes, each one smtplib connection sending
                                                 pre-composed bytes: the server's own ceiling, no composing
  send_speed.py clean USER TOKEN                 deletes USER's INBOX messages over IMAPS (the bench's mail)
Each send mode prints "sent=N seconds=S first=F" like the Java side: S from before the connection to after QUIT,
F when the first message was accepted.
"""
import base64, imaplib, json, multiprocessing, os, smtplib, ssl, sys, time, urllib.parse, urllib.request
from email.message import EmailMessage

FILLER = "Lorem ipsum dolor sit amet. " * 80
HTML = "<h1>Monthly report</h1><p>Hello, here is the <b>summary</b>.</p><p>" + FILLER + "</p>"
TEXT = "Monthly report\n\nHello, here is the summary.\n" + FILLER + "\n"
DOMAIN = os.environ.get("TB_MAIL_DOMAIN", "example.test")
HOST = "127.0.0.1"


def address(user):
    return f"{user}@{DOMAIN}"


def token(user):
    data = urllib.parse.urlencode({"grant_type": "password", "username": user, "password": f"{user}-secret",
                                   "client_id": os.environ["TB_CLIENT_TEST"],
                                   "client_secret": os.environ["TB_CLIENT_TEST_SECRET"],
                                   "scope": "openid email"}).encode()
    with urllib.request.urlopen(os.environ["TB_OAUTH_TOKEN_ENDPOINT"], data) as answer:
        return json.load(answer)["access_token"]


def context():
    return ssl.create_default_context(cafile=os.environ["TB_CA_CERT"])


def login(user, tok):
    smtp = smtplib.SMTP(HOST, int(os.environ["TB_SUBMISSION_PORT"]))
    smtp.starttls(context=context())
    smtp.ehlo()
    auth = base64.b64encode(f"user={address(user)}\x01auth=Bearer {tok}\x01\x01".encode()).decode()
    code, reply = smtp.docmd("AUTH", "XOAUTH2 " + auth)
    if code != 235:
        raise SystemExit(f"AUTH XOAUTH2 refused: {code} {reply!r}")
    return smtp


def compose(user, i):
    m = EmailMessage()
    m["From"] = address(user)
    m["To"] = address(user)
    m["Subject"] = f"send-speed {i}"
    m.set_content(TEXT)
    m.add_alternative(HTML, subtype="html")
    return m


def smtplib_one(user, n, tok):
    start = time.perf_counter()
    first = 0.0
    smtp = login(user, tok)
    for i in range(n):
        smtp.send_message(compose(user, i))
        if i == 0:
            first = time.perf_counter() - start
    smtp.quit()
    print(f"sent={n} seconds={time.perf_counter() - start:.3f} first={first:.3f}", flush=True)


def _raw_sender(args):
    user, count, tok, raw = args
    smtp = login(user, tok)
    for _ in range(count):
        smtp.sendmail(address(user), [address(user)], raw)
    smtp.quit()
    return time.perf_counter()


def ceiling(user, n, tok, senders):
    raw = compose(user, 0).as_bytes()
    counts = [n // senders + (1 if k < n % senders else 0) for k in range(senders)]
    with multiprocessing.get_context("fork").Pool(senders) as pool:
        pool.map(int, range(senders))  # the processes exist before the clock starts
        start = time.perf_counter()
        ends = pool.map(_raw_sender, [(user, c, tok, raw) for c in counts], chunksize=1)
    print(f"sent={n} seconds={max(ends) - start:.3f} first=0", flush=True)


def clean(user, tok):
    imap = imaplib.IMAP4_SSL(HOST, int(os.environ["TB_IMAPS_PORT"]), ssl_context=context())
    imap.authenticate("XOAUTH2", lambda _: f"user={address(user)}\x01auth=Bearer {tok}\x01\x01".encode())
    imap.select("INBOX")
    imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
    imap.expunge()
    imap.logout()


def main(argv):
    mode, user = argv[1], argv[2]
    if mode == "token":
        print(token(user))
    elif mode == "smtplib":
        smtplib_one(user, int(argv[3]), argv[4])
    elif mode == "ceiling":
        ceiling(user, int(argv[3]), argv[4], int(argv[5]) if len(argv) > 5 else 8)
    elif mode == "clean":
        clean(user, argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
