#!/usr/bin/env python3
"""The Python side of bench/e2e/send-speed (the anchors; see that script).

  send_speed.py token USER                       prints an access token (test-only password grant, client mail-test)
  send_speed.py smtplib USER N TOKEN             smtplib, one connection: compose (email.message) and send N messages
  send_speed.py ceiling USER N TOKEN [SENDERS]   SENDERS (8) processes, each one smtplib connection sending
                                                 pre-composed bytes: the server's own ceiling, no composing
  send_speed.py clean USER TOKEN                 deletes USER's INBOX messages over IMAPS (the bench's mail)
  send_speed.py run --user U --rounds R --messages N --variant NAME=KIND:COMMAND ...
                                                 the paired rounds of bench/e2e/send-speed (see there)
Each send mode prints "sent=N seconds=S first=F" like the Java side: S from before the connection to after QUIT,
F when the first message was accepted. The rate compared is (N - 1) / (S - F): messages/s once the first is out,
so a process's start, connection and login do not count there; the whole-process time and F show those.
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


def timed(command, env):
    """Runs one sender: (messages/s once the first message is out, whole-process seconds, seconds to the first)."""
    import subprocess
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stamps = []
    summary = None
    for line in process.stdout:
        if line.startswith("sent="):
            summary = line
        else:
            stamps.append(time.perf_counter() - start)
    err = process.stderr.read()
    if process.wait() != 0:
        raise SystemExit(f"send-speed: '{command}' failed ({process.returncode}):\n{err[-2000:]}")
    whole = time.perf_counter() - start
    if summary:  # an anchor or the library driver, timing itself
        fields = dict(f.split("=") for f in summary.split())
        sent, seconds, first = int(fields["sent"]), float(fields["seconds"]), float(fields["first"])
        return (sent - 1) / (seconds - first) if first > 0 else sent / seconds, whole, first
    # the CLI: one id per line on stdout as each message is accepted, timed here
    import re
    m = re.search(r"sent (\d+), failed (\d+)", err)
    if not m or m.group(2) != "0" or len(stamps) != int(m.group(1)):
        raise SystemExit(f"send-speed: '{command}' did not send everything:\n{err[-2000:]}")
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]), whole, stamps[0]


def drained(timeout=180):
    """Waits until Postfix has delivered everything it accepted. Accepting a message is not delivering it: LMTP
    deliveries into Dovecot go on for seconds after a fast sender's QUIT (657 messages were still queued after one
    round), and would load the machine while the next sender is timed."""
    import subprocess
    etc = os.path.join(os.environ.get("TB_ROOT", "/tmp/testbed"), "postfix", "etc")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            out = subprocess.run(["postqueue", "-c", etc, "-p"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return  # no postqueue here: nothing to wait on
        if "Mail queue is empty" in out:
            return
        time.sleep(0.5)


def run(args):
    import argparse, statistics
    parser = argparse.ArgumentParser(prog="send_speed.py run")
    parser.add_argument("--user", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--variant", action="append", default=[], help="NAME=COMMAND ({N} and {TOKEN} are filled in)")
    parser.add_argument("--ratio", action="append", default=[], help="A/B: print A's rate over B's, paired by round")
    o = parser.parse_args(args)
    variants = [v.split("=", 1) for v in o.variant]
    results = {name: [] for name, _ in variants}
    env = dict(os.environ)
    for r in range(-1, o.rounds):  # round -1: a warm-up (caches, the JIT's first code), not counted
        tok = token(o.user)
        order = variants[r % len(variants):] + variants[:r % len(variants)] if r >= 0 else variants
        for name, command in order:
            drained()
            result = timed(command.replace("{N}", str(o.messages)).replace("{TOKEN}", tok), env)
            drained()
            clean(o.user, tok)
            if r >= 0:
                results[name].append(result)
                print(f"  round {r + 1} {name:<16} {result[0]:7.1f} msg/s   whole process {result[1]:6.2f} s"
                      f"   first message {result[2]:5.2f} s", file=sys.stderr, flush=True)
    print(f"{o.messages} messages of ~5 KB to {address(o.user)} through the test bed's Postfix (submission, STARTTLS,"
          f" XOAUTH2), {o.rounds} rounds, order rotated each round; medians:")
    for name, _ in variants:
        rates = [x[0] for x in results[name]]
        wholes = [x[1] for x in results[name]]
        firsts = [x[2] for x in results[name]]
        print(f"  {name:<16} {statistics.median(rates):7.1f} msg/s   whole process {statistics.median(wholes):6.2f} s"
              f"   first message after {statistics.median(firsts):5.2f} s")
    for ratio in o.ratio:
        a, b = ratio.split("/")
        if a not in results or b not in results:
            continue
        paired = sorted(x[0] / y[0] for x, y in zip(results[a], results[b]))
        whole = sorted(y[1] / x[1] for x, y in zip(results[a], results[b]))
        whole_text = ("   (whole process: includes the warm-up)" if "warm" in a + b else
                      f"   whole-process speed {statistics.median(whole):.2f}x [{whole[0]:.2f}-{whole[-1]:.2f}]")
        print(f"  {a} / {b}: rate {statistics.median(paired):.2f}x [{paired[0]:.2f}-{paired[-1]:.2f}]{whole_text}")


def main(argv):
    if argv[1] == "run":
        return run(argv[2:])
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
