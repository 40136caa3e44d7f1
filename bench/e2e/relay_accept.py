#!/usr/bin/env python3
"""The accept rate of the relay next to sending the same burst straight to Postfix (issue 14; see bench/e2e/relay-accept).

    RELAY_ACCEPT_PASSWORD=PW relay_accept.py --user U --rounds R --messages N \
        --relay NAME=PORT:ACCOUNT:SERVE_COMMAND:LOG [--relay ...]

Variants: "direct" (smtplib to the test bed's submission port, STARTTLS, XOAUTH2 with a test-only password-grant
token, as send_speed.py does) and one per --relay (smtplib to a daemon's relay listener on loopback, AUTH PLAIN as
ACCOUNT with its local password). Each daemon is started once (SERVE_COMMAND, its output to LOG) and kept running.
Every variant sends the same N pre-composed ~5 KB messages over one connection; what is compared is messages/s
acknowledged once the first 250 came, (N - 1) / (time of the last 250 - time of the first), so the connection and
the login do not count. Rounds interleave the variants (who goes first rotates) after an uncounted warm-up round
of --warmup messages per variant (default 4,000: a daemon's JIT reaches its steady state after some 4,000 messages;
a shorter warm-up measures a cold daemon, which takes the first thousands at about half its speed).
After each run, outside the timing: wait until all N are in U's INBOX (the relay's queue is then empty: it has
delivered them), until Postfix's queue is empty (send_speed.drained), and empty the INBOX.
"""
import argparse, imaplib, os, smtplib, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay_crash import Daemon, empty, imap  # noqa: E402  (the daemon's lifecycle and the INBOX, as relay-crash does)
from send_speed import address, compose, drained, login, token  # noqa: E402


def messages(user, tag, n):
    """N ~5 KB messages (text and HTML, as send-speed's), composed before the clock starts."""
    out = []
    for i in range(n):
        m = compose(user, i)
        m.replace_header("Subject", f"relay-accept {tag} {i}")
        out.append(m.as_bytes())
    return out


def burst(smtp, user, raws):
    """Sends every message on one open connection; returns (messages/s after the first 250, whole seconds)."""
    start = time.perf_counter()
    first = None
    for raw in raws:
        refused = smtp.sendmail(address(user), [address(user)], raw)
        if refused:
            raise SystemExit(f"relay-accept: recipient refused: {refused}")
        if first is None:
            first = time.perf_counter()
    last = time.perf_counter()
    smtp.quit()
    return (len(raws) - 1) / (last - first), last - start


def arrived(user, count, timeout=600):
    """Waits until USER's INBOX holds COUNT messages: everything the run acknowledged has been delivered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        box = imap(user)
        typ, data = box.select("INBOX", readonly=True)
        box.logout()
        if int(data[0]) >= count:
            return
        time.sleep(1)
    raise SystemExit(f"relay-accept: only {int(data[0])} of {count} messages arrived in {timeout} s; see the daemons' logs")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--user", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=4000, help="messages per variant in the uncounted first round")
    p.add_argument("--relay", action="append", default=[], help="NAME=PORT:ACCOUNT:SERVE_COMMAND:LOG")
    o = p.parse_args()
    password = os.environ["RELAY_ACCEPT_PASSWORD"]  # not on the command line, where ps shows it
    relays, daemons, logs = {}, [], []
    for spec in o.relay:
        name, rest = spec.split("=", 1)
        port, account, rest = rest.split(":", 2)
        command, log_path = rest.rsplit(":", 1)
        log = open(log_path, "ab")
        logs.append(log)
        daemon = Daemon(command, int(port), log)
        daemon.start()
        daemons.append(daemon)
        relays[name] = (int(port), account)
    variants = ["direct"] + list(relays)
    results = {name: [] for name in variants}
    try:
        empty(o.user)
        drained()
        for r in range(-1 if o.warmup > 0 else 0, o.rounds):  # round -1 warms up (the daemons' JIT, Postfix's caches)
            tok = token(o.user)
            order = variants[r % len(variants):] + variants[:r % len(variants)] if r >= 0 else variants
            for name in order:
                count = o.messages if r >= 0 else o.warmup
                raws = messages(o.user, f"{r + 1} {name}", count)
                if name == "direct":
                    smtp = login(o.user, tok)
                else:
                    port, account = relays[name]
                    smtp = smtplib.SMTP("127.0.0.1", port, timeout=60)
                    smtp.login(account, password)
                rate, whole = burst(smtp, o.user, raws)
                arrived(o.user, count)
                drained()
                empty(o.user)
                if r >= 0:
                    results[name].append(rate)
                    print(f"  round {r + 1} {name:<12} {rate:7.1f} msg/s acknowledged   whole burst {whole:6.2f} s",
                          file=sys.stderr, flush=True)
    finally:
        for daemon in daemons:
            daemon.stop()
        for log in logs:
            log.close()
    print(f"{o.messages} messages of ~5 KB from {address(o.user)} to itself, one smtplib connection each, {o.rounds} "
          f"rounds after a warm-up, order rotated; medians of messages/s acknowledged after the first:")
    for name in variants:
        print(f"  {name:<12} {statistics.median(results[name]):7.1f} msg/s   [{min(results[name]):.1f}-{max(results[name]):.1f}]")
    pairs = [(name, "direct") for name in relays] + [("relay-spool", other) for other in ("relay-base", "relay-now") if other in relays]
    for a, b in pairs:
        paired = sorted(x / y for x, y in zip(results[a], results[b]))
        print(f"  {a} / {b}: {statistics.median(paired):.2f}x [{paired[0]:.2f}-{paired[-1]:.2f}]"
              + ("   (target >= 1.0x)" if (a, b) == ("relay-spool", "direct") else ""))


if __name__ == "__main__":
    main()
