#!/usr/bin/env python3
"""The client side of bench/e2e/proxy-speed (run that script; this file is its helper).

One client, several endpoints: every variant runs exactly the same timed code (ImapSession.bulk_fetch,
ImapSession.single_fetches, SmtpSession.send_many); only how the session is opened differs (TLS + XOAUTH2 with a
token straight to the test bed, or plain TCP + the local password to a proxy on loopback). The timed region starts
after the login (and EXAMINE) and ends at the last tagged OK / 250, so it measures moving mail, not logging in.

  proxy_speed.py seed  --user grace                      fill the mailbox folder (idempotent)
  proxy_speed.py run   --user grace --rounds 5 --variant NAME=KIND:IMAPPORT:SMTPPORT[:PID] ...
  proxy_speed.py clean --user grace                      expunge what the SMTP test delivered
"""
import argparse
import base64
import json
import os
import random
import re
import socket
import ssl
import statistics
import sys
import time
import urllib.parse
import urllib.request
import zlib

FOLDER = "proxy-speed"
SEED_MARK = "X-Proxy-Speed-Seed: v1"
SMTP_MARK = "X-Proxy-Speed-Smtp"
MESSAGES = 1000
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env(name, default=None):
    return os.environ.get(name, default)


# ---------------------------------------------------------------------------------------------------------- messages

def message(i, kind, size):
    """A deterministic plain-text message of about `size` bytes (CRLF lines of 76 characters)."""
    rng = random.Random(i * 7919 + len(kind))
    head = (f"From: {kind} bench <bench@example.test>\r\n"
            f"To: bench <bench@example.test>\r\n"
            f"Subject: proxy-speed {kind} {i}\r\n"
            f"Message-ID: <proxy-speed-{kind}-{i}@example.test>\r\n"
            f"Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
            f"{SEED_MARK if kind == 'seed' else SMTP_MARK + ': 1'}\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n").encode()
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    lines = []
    total = len(head)
    while total < size:
        line = bytes(rng.choice(alphabet) for _ in range(76)) + b"\r\n"
        lines.append(line)
        total += len(line)
    return head + b"".join(lines)


def seed_size(i):
    return 5200 + (i * 7919) % 1600  # 5.2 to 6.8 KB, 6.0 KB on average: 1,000 messages ~ 6 MB


# ------------------------------------------------------------------------------------------------------------ tokens

_tokens = {}


def token(user):
    """A bearer token for `user` from the test-only password-grant client, renewed when older than 200 s."""
    got = _tokens.get(user)
    if got and time.monotonic() - got[1] < 200:
        return got[0]
    data = urllib.parse.urlencode({"grant_type": "password", "username": user, "password": user + "-secret",
                                   "scope": "openid email"}).encode()
    request = urllib.request.Request(env("TB_OAUTH_TOKEN_ENDPOINT"), data=data)
    basic = base64.b64encode(f"{env('TB_CLIENT_TEST', 'mail-test')}:{env('TB_CLIENT_TEST_SECRET', 'mail-test-secret')}"
                             .encode()).decode()
    request.add_header("Authorization", "Basic " + basic)
    with urllib.request.urlopen(request, timeout=30) as answer:
        value = json.load(answer)["access_token"]
    _tokens[user] = (value, time.monotonic())
    return value


def xoauth2(email, bearer):
    return base64.b64encode(f"user={email}\x01auth=Bearer {bearer}\x01\x01".encode()).decode()


def tls_context():
    context = ssl.create_default_context(cafile=env("TB_CA_CERT"))
    return context


# -------------------------------------------------------------------------------------------------------------- IMAP

class ImapError(Exception):
    pass


class ImapSession:
    """A minimal IMAP client: reads whole buffers, finds lines, skips literals (CRC-ing them), counts bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.pos = 0
        self.received = 0
        self.sent = 0
        self.tags = 0
        self.line()  # greeting

    @classmethod
    def open(cls, endpoint, email):
        """endpoint: ('direct', port) = IMAPS + XOAUTH2 with a token; ('hop', port) = the same in plain TCP to a
        forwarder that adds the TLS; ('proxy', port, login, password) = plain + LOGIN."""
        sock = socket.create_connection((HOST, endpoint[1]), timeout=120)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if endpoint[0] in ("direct", "hop"):
            if endpoint[0] == "direct":
                sock = tls_context().wrap_socket(sock, server_hostname=HOST)
            session = cls(sock)
            session.ok("AUTHENTICATE XOAUTH2 " + xoauth2(email, token(email.split("@")[0])))
        else:
            session = cls(sock)
            session.ok(f'LOGIN "{endpoint[2]}" "{endpoint[3]}"')
        return session

    def _fill(self):
        if self.pos > 0 and self.pos == len(self.buf):
            self.buf.clear()
            self.pos = 0
        elif self.pos > 1 << 20:
            del self.buf[:self.pos]
            self.pos = 0
        chunk = self.sock.recv(1 << 18)
        if not chunk:
            raise ImapError("connection closed")
        self.received += len(chunk)
        self.buf += chunk

    def line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = bytes(self.buf[self.pos:end])
                self.pos = end + 2
                return line
            self._fill()

    def literal(self, n, crc):
        """Skips n bytes, returning the CRC-32 of them combined into `crc`."""
        while n > 0:
            if self.pos == len(self.buf):
                self._fill()
            take = min(n, len(self.buf) - self.pos)
            crc = zlib.crc32(memoryview(self.buf)[self.pos:self.pos + take], crc)
            self.pos += take
            n -= take
        return crc

    def send(self, data):
        self.sock.sendall(data)
        self.sent += len(data)

    def command(self, text, crc=0):
        """Sends a command; returns (tagged status line, untagged lines, literal bytes, literal count, CRC-32 of the
        literals chained onto `crc`)."""
        self.tags += 1
        tag = b"a%d" % self.tags
        self.send(tag + b" " + text.encode() + b"\r\n")
        untagged, literal_bytes, literals = [], 0, 0
        while True:
            line = self.line()
            if line.startswith(tag + b" "):
                return line, untagged, literal_bytes, literals, crc
            if line.startswith(b"+"):
                raise ImapError("unexpected continuation: " + line.decode(errors="replace"))
            whole = line
            while whole.endswith(b"}"):
                match = re.search(rb"\{(\d+)\+?\}$", whole)
                if not match:
                    break
                n = int(match.group(1))
                crc = self.literal(n, crc)
                literal_bytes += n
                literals += 1
                whole = self.line()
            untagged.append(line)

    def ok(self, text, crc=0):
        status, untagged, *rest = self.command(text, crc)
        if not status.split(b" ", 2)[1:2] == [b"OK"]:
            raise ImapError(f"{text.split(' ')[0]}: {status.decode(errors='replace')[:300]}")
        return (status, untagged, *rest)

    def logout(self):
        try:
            self.command("LOGOUT")
        except (ImapError, OSError):
            pass
        self.sock.close()

    # ---- the timed operations: the same for every variant

    def bulk_fetch(self):
        _, _, size, count, crc = self.ok("UID FETCH 1:* (BODY.PEEK[])")
        return count, size, crc

    def single_fetches(self, uids):
        size = count = crc = 0
        for uid in uids:
            _, _, n, c, crc = self.ok(f"UID FETCH {uid} (BODY.PEEK[])", crc)
            size += n
            count += c
        return count, size, crc


# -------------------------------------------------------------------------------------------------------------- SMTP

class SmtpError(Exception):
    pass


class SmtpSession:
    """A minimal SMTP client, one command at a time (no PIPELINING), as smtplib does."""

    def __init__(self, sock):
        self.sock = sock
        self.file = sock.makefile("rb")
        self.received = 0
        self.sent = 0

    @classmethod
    def open(cls, endpoint, email):
        """endpoint: ('direct', port) = STARTTLS (or implicit TLS on 465-like ports) + XOAUTH2; ('hop', port) = plain
        TCP + XOAUTH2 to a forwarder that adds the TLS (to the implicit-TLS port); ('proxy', port, login, pw)."""
        sock = socket.create_connection((HOST, endpoint[1]), timeout=120)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if endpoint[0] == "direct" and endpoint[1] == int(env("TB_SMTPS_PORT", "1465")):
            sock = tls_context().wrap_socket(sock, server_hostname=HOST)
        session = cls(sock)
        session.reply(220)
        session.ok("EHLO bench.example.test", 250)
        if endpoint[0] in ("direct", "hop"):
            if endpoint[0] == "direct" and not isinstance(sock, ssl.SSLSocket):
                session.ok("STARTTLS", 220)
                session.file.close()
                session.sock = tls_context().wrap_socket(sock, server_hostname=HOST)
                session.file = session.sock.makefile("rb")
                session.ok("EHLO bench.example.test", 250)
            session.ok("AUTH XOAUTH2 " + xoauth2(email, token(email.split("@")[0])), 235)
        else:
            plain = base64.b64encode(f"\0{endpoint[2]}\0{endpoint[3]}".encode()).decode()
            session.ok("AUTH PLAIN " + plain, 235)
        return session

    def send(self, data):
        self.sock.sendall(data)
        self.sent += len(data)

    def reply(self, expected):
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise SmtpError("connection closed")
            self.received += len(line)
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                break
        code = int(lines[-1][:3])
        if code != expected:
            raise SmtpError(f"expected {expected}, got {b''.join(lines).decode(errors='replace')[:300]}")
        return lines

    def ok(self, command, expected):
        self.send(command.encode() + b"\r\n")
        return self.reply(expected)

    def quit(self):
        try:
            self.ok("QUIT", 221)
        except (SmtpError, OSError):
            pass
        self.sock.close()

    # ---- the timed operation: the same for every variant

    def send_many(self, email, bodies):
        size = 0
        for body in bodies:
            self.ok(f"MAIL FROM:<{email}>", 250)
            self.ok(f"RCPT TO:<{email}>", 250)
            self.ok("DATA", 354)
            self.send(body + b".\r\n")  # the bodies end in CRLF and have no line starting with "."
            self.reply(250)
            size += len(body)
        return len(bodies), size, 0


# ------------------------------------------------------------------------------------------------------- seed, clean

def direct_imap(user):
    return ImapSession.open(("direct", int(env("TB_IMAPS_PORT", "1993"))), f"{user}@{env('TB_MAIL_DOMAIN', 'example.test')}")


def seed(user):
    """Makes FOLDER hold exactly MESSAGES seed messages; does nothing when it already does."""
    imap = direct_imap(user)
    try:
        _, listed, *_ = imap.ok(f'LIST "" "{FOLDER}"')
        if listed:
            _, untagged, *_ = imap.ok(f'STATUS "{FOLDER}" (MESSAGES)')
            count = int(re.search(rb"MESSAGES (\d+)", b" ".join(untagged)).group(1))
            if count == MESSAGES:
                imap.ok(f'EXAMINE "{FOLDER}"')
                _, found, *_ = imap.ok(f'UID SEARCH HEADER X-Proxy-Speed-Seed "v1"')
                uids = found[0].split()[2:] if found else []
                if len(uids) == MESSAGES:
                    total = sum(seed_size(i) for i in range(MESSAGES))
                    print(f"seed: {FOLDER} already holds {MESSAGES} messages (~{total / 1e6:.1f} MB)", file=sys.stderr)
                    return
                imap.ok("CLOSE")
            imap.ok(f'DELETE "{FOLDER}"')
        imap.ok(f'CREATE "{FOLDER}"')
        started = time.monotonic()
        total = 0
        for i in range(MESSAGES):
            body = message(i, "seed", seed_size(i))
            total += len(body)
            imap.tags += 1
            tag = b"a%d" % imap.tags
            imap.send(tag + b' APPEND "' + FOLDER.encode() + b'" (\\Seen) {%d+}\r\n' % len(body) + body + b"\r\n")
            status = imap.line()
            while not status.startswith(tag + b" "):
                status = imap.line()
            if b" OK " not in status:
                raise ImapError("APPEND: " + status.decode(errors="replace"))
        print(f"seed: appended {MESSAGES} messages, {total / 1e6:.2f} MB, in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
    finally:
        imap.logout()


def smtp_delivered(imap):
    imap.ok("SELECT INBOX")
    _, found, *_ = imap.ok(f'UID SEARCH HEADER {SMTP_MARK} ""')
    return found[0].split()[2:] if found else []


def clean(user, expect=0, wait=60.0):
    """Waits (up to `wait` s) until `expect` bench messages were delivered to INBOX, then expunges them all."""
    imap = direct_imap(user)
    try:
        deadline = time.monotonic() + wait
        uids = smtp_delivered(imap)
        while len(uids) < expect and time.monotonic() < deadline:
            time.sleep(0.5)
            uids = smtp_delivered(imap)
        if len(uids) < expect:
            print(f"clean: only {len(uids)} of {expect} sent messages arrived in {wait:.0f} s", file=sys.stderr)
        if uids:
            for at in range(0, len(uids), 500):
                imap.ok("UID STORE " + ",".join(u.decode() for u in uids[at:at + 500]) + r" +FLAGS.SILENT (\Deleted)")
            imap.ok("EXPUNGE")
        return len(uids)
    finally:
        imap.logout()


# --------------------------------------------------------------------------------------------------------------- run

def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK  # ppid, utime + stime of all its threads


def cpu_seconds(pid):
    """CPU time of the process and its descendants (should a launcher ever fork instead of exec)."""
    if not pid:
        return None
    children, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, seconds = _stat(entry)
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
            cpu[int(entry)] = seconds
    total, todo = 0.0, [pid]
    while todo:
        at = todo.pop()
        total += cpu.get(at, 0.0)
        todo.extend(children.get(at, []))
    return total


def wakeups(pid):
    """Times the process's threads went to sleep and woke again so far (voluntary context switches, all threads)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            continue  # a thread that ended in between
    return total


class Variant:
    def __init__(self, spec, user):
        # NAME=KIND:IMAPPORT:SMTPPORT[:PID[:LOGIN:PASSWORD]]
        name, rest = spec.split("=", 1)
        parts = rest.split(":")
        self.name, self.kind = name, parts[0]
        self.imap_port, self.smtp_port = int(parts[1]), int(parts[2])
        self.pid = int(parts[3]) if len(parts) > 3 and parts[3] else None
        self.login = parts[4] if len(parts) > 4 else None
        self.password = parts[5] if len(parts) > 5 else None
        self.email = f"{user}@{env('TB_MAIL_DOMAIN', 'example.test')}"

    def endpoint(self, port):
        return (self.kind, port) if self.kind in ("direct", "hop") else ("proxy", port, self.login, self.password)


def measure(test, variant, uids, bodies, pids):
    """One timed run; returns dict(wall, bytes, items, crc, cpu={pid: seconds})."""
    if test == "smtp":
        session = SmtpSession.open(variant.endpoint(variant.smtp_port), variant.email)
    else:
        session = ImapSession.open(variant.endpoint(variant.imap_port), variant.email)
        session.ok(f'EXAMINE "{FOLDER}"')
    sent0, received0 = session.sent, session.received
    cpu0 = {pid: cpu_seconds(pid) for pid in pids}
    wakeups0 = wakeups(variant.pid) if variant.pid else None
    started = time.perf_counter()
    if test == "bulk":
        items, size, crc = session.bulk_fetch()
    elif test == "single":
        items, size, crc = session.single_fetches(uids)
    else:
        items, size, crc = session.send_many(variant.email, bodies)
    wall = time.perf_counter() - started
    cpu1 = {pid: cpu_seconds(pid) for pid in pids}
    wakeups1 = wakeups(variant.pid) if wakeups0 is not None else None
    moved = (session.sent - sent0) + (session.received - received0)
    if test == "smtp":
        session.quit()
    else:
        session.logout()
    return {"wall": wall, "bytes": moved, "items": items, "payload": size, "crc": crc,
            "cpu": {pid: cpu1[pid] - cpu0[pid] for pid in pids},
            "wakeups": None if wakeups1 is None else wakeups1 - wakeups0}


def fmt_ratio(values):
    if not values:
        return "-"
    return f"{statistics.median(values):.2f}x [{min(values):.2f}-{max(values):.2f}]"


def run(args):
    variants = [Variant(spec, args.user) for spec in args.variant]
    direct = [v for v in variants if v.kind == "direct"]
    if len(direct) != 1:
        sys.exit("exactly one variant of kind 'direct' is needed")
    direct = direct[0]
    pids = [v.pid for v in variants if v.pid]
    email = direct.email

    # untimed set-up: the UIDs for the single fetches, the SMTP bodies
    imap = direct_imap(args.user)
    imap.ok(f'EXAMINE "{FOLDER}"')
    _, found, *_ = imap.ok("UID SEARCH ALL")
    uids = [int(u) for u in found[0].split()[2:]]
    imap.logout()
    if len(uids) != MESSAGES:
        sys.exit(f"{FOLDER} holds {len(uids)} messages, not {MESSAGES}: run the seed step")
    uids = uids[:args.singles]
    bodies = [message(i, "smtp", args.smtp_size) for i in range(args.smtp)]
    tests = [t for t in ("bulk", "single", "smtp") if t in args.tests.split(",")]
    clean(args.user, 0, 0)

    results = {t: {v.name: [] for v in variants} for t in tests}
    expected_crc = {}

    def one(test, variant, record):
        r = measure(test, variant, uids, bodies, pids)
        if test != "smtp":
            if test == "single" and len(uids) == MESSAGES and "bulk" in expected_crc:
                expected_crc.setdefault("single", expected_crc["bulk"])  # the same bytes, fetched one by one
            if expected_crc.setdefault(test, (r["items"], r["payload"], r["crc"])) != (r["items"], r["payload"], r["crc"]):
                sys.exit(f"{variant.name} {test}: got {r['items']} messages / {r['payload']} bytes / crc {r['crc']:08x}, "
                         f"expected {expected_crc[test]}: the bytes differ between variants")
        else:
            delivered = clean(args.user, r["items"])  # untimed: let Postfix/Dovecot finish before the next run
            if delivered != r["items"]:
                print(f"warning: {variant.name} smtp: {delivered} of {r['items']} delivered", file=sys.stderr)
        if record:
            results[test][variant.name].append(r)
        print(f"  {test:6} {variant.name:14} {r['wall'] * 1000:9.1f} ms  {r['bytes'] / 1e6:6.2f} MB"
              + "".join(f"  cpu[{v.name}] {r['cpu'][v.pid] * 1000:.0f} ms" for v in variants if v.pid)
              + (f"  {r['wakeups'] / max(r['items'], 1):.1f} wake-ups per item" if r["wakeups"] is not None else "")
              + ("" if record else "  (warm-up)"), file=sys.stderr, flush=True)

    load = os.getloadavg()
    print(f"warm-up: every variant {args.warmups} time(s) ({', '.join(tests)}), not counted", file=sys.stderr)
    for _ in range(args.warmups):
        for test in tests:
            for variant in variants:
                one(test, variant, False)
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}/{args.rounds}", file=sys.stderr)
        for test in tests:
            order = variants[round_ % len(variants):] + variants[:round_ % len(variants)]  # rotate who goes first
            for variant in order:
                one(test, variant, True)

    # ---- the table
    names = {"bulk": f"IMAP bulk FETCH {MESSAGES} msgs",
             "single": f"IMAP {len(uids)} single FETCHes", "smtp": f"SMTP {args.smtp} messages"}
    print()
    print(f"proxy-speed: {args.rounds} rounds, variants interleaved (rotated) in each round; "
          f"median [min-max] over rounds; ratio = direct time / variant time (1.00 = as fast as direct)")
    print(f"load average (1 min) at the start {load[0]:.1f}, at the end {os.getloadavg()[0]:.1f}, on {os.cpu_count()} CPUs")
    header = f"{'test':28} {'variant':14} {'wall ms (median)':>17} {'MB/s':>7} {'vs direct, paired':>22} {'proxy CPU ms/MB':>16}"
    print(header)
    print("-" * len(header))
    summary = {}
    for test in tests:
        for variant in variants:
            runs = results[test][variant.name]
            walls = [r["wall"] for r in runs]
            mb = statistics.median(r["bytes"] for r in runs) / 1e6
            ratios = [d["wall"] / r["wall"] for d, r in zip(results[test][direct.name], runs)]
            cpu = ([r["cpu"][variant.pid] * 1000 / (r["bytes"] / 1e6) for r in runs] if variant.pid else [])
            summary[(test, variant.name)] = (statistics.median(walls), ratios, cpu)
            print(f"{names[test]:28} {variant.name:14} {statistics.median(walls) * 1000:17.1f} "
                  f"{mb / statistics.median(walls):7.2f} "
                  f"{'-' if variant is direct else fmt_ratio(ratios):>22} "
                  f"{(f'{statistics.median(cpu):.0f} [{min(cpu):.0f}-{max(cpu):.0f}]' if cpu else '-'):>16}")
        print()
    proxies = [v for v in variants if v.kind == "proxy"]
    hops = [v for v in variants if v.kind == "hop"]
    pairs = ([(proxies[0], proxies[1])] if len(proxies) >= 2 else []) + ([(proxies[0], hop) for hop in hops] if proxies else [])
    for a, b in pairs:
        for test in tests:
            ratios = [rb["wall"] / ra["wall"] for ra, rb in zip(results[test][a.name], results[test][b.name])]
            print(f"{names[test]:28} {a.name} vs {b.name}: {fmt_ratio(ratios)} (>1: {a.name} faster)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({t: {v: results[t][v] for v in results[t]} for t in results}, f, indent=1, default=str)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--user", default="grace")
    p = sub.add_parser("clean")
    p.add_argument("--user", default="grace")
    p = sub.add_parser("run")
    p.add_argument("--user", default="grace")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--warmups", type=int, default=1)
    p.add_argument("--variant", action="append", required=True)
    p.add_argument("--singles", type=int, default=1000)
    p.add_argument("--smtp", type=int, default=500)
    p.add_argument("--smtp-size", type=int, default=6000)
    p.add_argument("--tests", default="bulk,single,smtp")
    p.add_argument("--json")
    args = parser.parse_args()
    if args.what == "seed":
        seed(args.user)
    elif args.what == "clean":
        print(f"clean: {clean(args.user, 0, 0)} messages expunged", file=sys.stderr)
    else:
        run(args)


if __name__ == "__main__":
    main()
