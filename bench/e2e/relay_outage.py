#!/usr/bin/env python3
"""The relay while its provider slows to 10 messages/s and then vanishes (issue 14; see bench/e2e/relay-outage).

    RELAY_OUTAGE_PASSWORD=PW relay_outage.py --serve CMD --port P --proxy-port Q --accounts A,B --user U
        [--messages 1000] [--slow 30] [--outage 300] [--rate 10] [--log LOG] [--at-return CMD]

A TCP proxy on Q (the accounts' smtp points at it) passes bytes to the test bed's submission port untouched
(STARTTLS and all: it never reads them), in three phases from the start of the burst:
  slow    --slow seconds: what the relay sends is paced to --rate messages/s for all connections together. The
          proxy cannot see messages inside TLS, so it paces bytes: --rate x (one message's bytes + 200 for the
          commands and TLS records) per second; the delivery rate it gives is measured, from the INBOX, not assumed.
  down    --outage seconds: the listening socket is closed (new connections are refused) and open connections are
          cut, as a provider that vanishes.
  up      passes again, at full speed; --at-return CMD then runs (e.g. oauthmail queue retry --all, the user's
          lever when the backoff would wait on).
The daemon (CMD) relays on P; MESSAGES messages go to it in a burst, half as each account (one SMTP connection per
account, side by side, AUTH PLAIN with the local password), Subject "relay-outage TAG ACCOUNT SEQ". Then U's INBOX is
polled until every acknowledged message is there (or --outage + 15 minutes): nothing lost? Order is checked where
the relay hands over, at the provider: Postfix's log names each message's Message-ID as Postfix takes it in
("cleanup: ...: message-id=<...>"), and a lane sends an account's next message only after the 250 of the one
before, so that log's order is the order the relay delivered in. (The INBOX's UID order is not: Postfix's queue
manager delivers to Dovecot side by side and reorders.) A second copy of a message whose 250 from Postfix was cut
off by the outage is counted apart, as SMTP allows it; order is judged by first copies.
"""
import argparse, os, re, smtplib, socket, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay_crash import Daemon, empty, imap  # noqa: E402  (the daemon's lifecycle and the INBOX, as relay-crash does)
from send_speed import address, compose, drained  # noqa: E402

UPSTREAM = ("127.0.0.1", int(os.environ.get("TB_SUBMISSION_PORT", "1587")))
POSTFIX_LOG = os.path.join(os.environ.get("TB_ROOT", "/tmp/testbed"), "log", "postfix.log")


class Proxy:
    """A byte pump with a pace (bytes/s, for all connections together) and an off switch."""

    def __init__(self, port, bytes_per_second):
        self.port, self.rate = port, bytes_per_second
        self.pacing = True
        self.lock = threading.Lock()
        self.next_free = time.monotonic()
        self.open = set()
        self.listener = None
        self.up()

    def up(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def down(self):
        """Refuses new connections and cuts the open ones."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close() alone leaves it listening
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            cut, self.open = self.open, set()
        for s in cut:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            try:
                server = socket.create_connection(UPSTREAM)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open |= {client, server}
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pace(self, n):
        with self.lock:
            now = time.monotonic()
            self.next_free = max(self.next_free, now) + n / self.rate
            wait = self.next_free - now
        time.sleep(wait)

    def _pump(self, src, dst, to_provider):
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                if to_provider and self.pacing:
                    self._pace(len(data))
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def send(port, account, password, user, tag, count, acked, errors):
    try:
        smtp = smtplib.SMTP("127.0.0.1", port, timeout=120)
        smtp.login(account, password)
        for seq in range(count):
            m = compose(user, seq)
            m.replace_header("Subject", f"relay-outage {tag} {account} {seq}")
            m["Message-ID"] = f"<relay-outage.{tag}.{account}.{seq}@relay-outage>"
            smtp.sendmail(address(user), [address(user)], m.as_bytes())
            acked.append((account, seq, time.monotonic()))
        smtp.quit()
    except (smtplib.SMTPException, OSError) as e:
        errors.append(f"{account}: {e}")


def count(user):
    """How many messages USER's INBOX holds (None when it cannot be read just now)."""
    try:
        box = imap(user)
        typ, data = box.select("INBOX", readonly=True)
        box.logout()
        return int(data[0])
    except Exception:  # the token endpoint or Dovecot busy: the next poll asks again
        return None


def inbox(user, tag):
    """(UID, account, seq) of the run's messages in USER's INBOX, in UID order; (None for a connection that failed)."""
    try:
        box = imap(user)
        typ, data = box.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        box.logout()
    except Exception:  # the token endpoint or Dovecot busy: the next poll asks again
        return None
    out = []
    for part in data:
        if isinstance(part, tuple):
            uid = int(re.search(rb"UID (\d+)", part[0]).group(1))
            m = re.search(rf"relay-outage {tag} (\S+) (\d+)", part[1].decode(errors="replace"))
            if m:
                out.append((uid, m.group(1), int(m.group(2))))
    return sorted(out)


def postfix_order(offset, tag):
    """(account, seq) in the order Postfix took them in, from its log after OFFSET; None without a readable log."""
    try:
        with open(POSTFIX_LOG, "rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError:
        return None
    return [(m.group(1), int(m.group(2))) for m in
            re.finditer(rf"message-id=<relay-outage\.{tag}\.(\S+?)\.(\d+)@relay-outage>", text)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--serve", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--proxy-port", type=int, required=True)
    p.add_argument("--accounts", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--slow", type=float, default=30)
    p.add_argument("--outage", type=float, default=300)
    p.add_argument("--rate", type=float, default=10)
    p.add_argument("--log", required=True)
    p.add_argument("--at-return", help="a shell command run as the provider returns")
    o = p.parse_args()
    password = os.environ["RELAY_OUTAGE_PASSWORD"]  # not on the command line, where ps shows it
    accounts = o.accounts.split(",")
    tag = str(int(time.time()))
    size = len(compose(o.user, 0).as_bytes()) + 200
    offset = os.path.getsize(POSTFIX_LOG) if os.path.exists(POSTFIX_LOG) else 0
    empty(o.user)
    drained()
    proxy = Proxy(o.proxy_port, o.rate * size)
    with open(o.log, "ab") as log:
        daemon = Daemon(o.serve, o.port, log)
        daemon.start()
        try:
            acked, errors, marks = [], [], {}
            t0 = time.monotonic()
            counts = [o.messages // len(accounts) + (1 if k < o.messages % len(accounts) else 0) for k in range(len(accounts))]
            senders = [threading.Thread(target=send, args=(o.port, a, password, o.user, tag, c, acked, errors))
                       for a, c in zip(accounts, counts)]
            for t in senders:
                t.start()
            seen, last_count, last_change = [], 0, None
            phase = "slow"
            deadline = t0 + o.slow + o.outage + 900
            while time.monotonic() < deadline:
                now = time.monotonic()
                if phase == "slow" and now >= t0 + o.slow:
                    marks["slow_end_delivered"] = count(o.user)
                    proxy.down()
                    marks["down"] = now
                    phase = "down"
                    print(f"  {now - t0:6.1f} s: provider gone ({marks['slow_end_delivered']} delivered while slow)", flush=True)
                elif phase == "down" and now >= marks["down"] + o.outage:
                    marks["down_delivered"] = count(o.user)
                    proxy.pacing = False
                    proxy.up()
                    marks["up"] = now
                    phase = "up"
                    print(f"  {now - t0:6.1f} s: provider back ({marks['down_delivered']} delivered by then)", flush=True)
                    if o.at_return:
                        done = subprocess.run(o.at_return, shell=True, capture_output=True, text=True)
                        print(f"  {time.monotonic() - t0:6.1f} s: ran {o.at_return!r}: exit {done.returncode}, "
                              f"{(done.stdout + done.stderr).strip()[:200]}", flush=True)
                if "acked" not in marks and all(not t.is_alive() for t in senders):
                    marks["acked"] = max(a[2] for a in acked) if acked else now
                    print(f"  {marks['acked'] - t0:6.1f} s: burst acknowledged ({len(acked)} messages, "
                          f"{len(errors)} connections failed)", flush=True)
                if phase == "up":
                    n = count(o.user)
                    if n is not None and n != last_count:
                        last_count, last_change = n, time.monotonic()
                        if "first_after_up" not in marks and n > (marks.get("down_delivered") or 0):
                            marks["first_after_up"] = last_change
                            print(f"  {last_change - t0:6.1f} s: first delivery after the return", flush=True)
                    if "acked" in marks and n is not None and n >= len(acked):
                        got = inbox(o.user, tag) or []
                        if {(a, s) for a, s, _ in acked} <= {(a, s) for _, a, s in got}:
                            seen = got
                            break
                time.sleep(1)
            else:
                seen = inbox(o.user, tag) or []
            time.sleep(5)  # late second copies
            seen = inbox(o.user, tag) or seen
        finally:
            daemon.stop()
            proxy.down()
    report(o, acked, errors, seen, postfix_order(offset, tag), marks, t0, last_change)


def report(o, acked, errors, seen, handed, marks, t0, last_change):
    ack_times = sorted(a[2] for a in acked)
    accept = (len(ack_times) - 1) / (ack_times[-1] - ack_times[0]) if len(ack_times) > 1 else 0
    slow = min(o.slow, (marks.get("down", t0 + o.slow)) - t0)
    first_seen, dup = {}, 0
    for uid, account, seq in seen:
        if (account, seq) in first_seen:
            dup += 1
        else:
            first_seen[(account, seq)] = uid
    lost = sorted({(a, s) for a, s, _ in acked} - first_seen.keys())
    order_breaks = None
    if handed:
        order_breaks, firsts = 0, set()
        for account in o.accounts.split(","):
            seqs = []
            for a, s in handed:
                if a == account and (a, s) not in firsts:
                    firsts.add((a, s))
                    seqs.append(s)
            order_breaks += sum(1 for x, y in zip(seqs, seqs[1:]) if y < x)
    print(f"relay-outage: {o.messages} messages across {o.accounts} (user {o.user}); provider slowed to "
          f"{o.rate:g} msg/s for {o.slow:g} s from the burst's start, then gone for {o.outage:g} s, then back")
    print(f"  accepted by the relay: {len(acked)} acknowledged, {accept:.1f} msg/s after the first 250, all within "
          f"{(ack_times[-1] - t0) if ack_times else 0:.1f} s of the start; {len(errors)} client connections failed {errors[:2]}")
    if marks.get("slow_end_delivered") is not None:
        print(f"  delivered while slow: {marks['slow_end_delivered']} in {slow:.0f} s = {marks['slow_end_delivered'] / slow:.1f} msg/s")
    if marks.get("down_delivered") is not None:
        print(f"  delivered by the end of the outage: {marks['down_delivered']}")
    if "up" in marks:
        first = marks.get("first_after_up")
        print(f"  after the provider's return: first delivery after "
              + (f"{first - marks['up']:.0f} s" if first else "never")
              + (f", last delivery after {last_change - marks['up']:.0f} s" if last_change else ""))
    print(f"  arrived {len(first_seen)} distinct, lost {len(lost)}{' ' + str(lost[:5]) if lost else ''}, "
          f"second copies {dup} (a 250 cut off by the outage may bring one: RFC 5321 6.1)"
          + (f"; out of order at Postfix (per account, first copies): {order_breaks} of {len(handed)} hand-overs"
             if order_breaks is not None else f"; order not checked: cannot read {POSTFIX_LOG}"))
    sys.exit(1 if lost or order_breaks or errors else 0)


if __name__ == "__main__":
    main()
