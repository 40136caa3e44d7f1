#!/usr/bin/env python3
"""kill -9 of the relay mid-burst: is any acknowledged message lost, or sent twice? (issue 14)

    RELAY_CRASH_PASSWORD=PW relay_crash.py --serve CMD --port P --account NAME --user USER [--runs 20] [--messages 1000]

Per run: start the daemon (CMD, in a session of its own), send MESSAGES messages through its relay on P, one SMTP
connection as a printer or a cron script would, AUTH PLAIN as NAME with its local password; when a random number of
them has been acknowledged (and a random 0-40 ms later, so kills land mid-DATA as well as between messages), kill -9
the whole daemon; start it again at once and go on, re-sending the one message whose 250 never came (what any SMTP
client does). When all are acknowledged, wait until every one is in USER's INBOX on the test bed (or 5 minutes),
then a few seconds more for late duplicates, and count by Subject.

How it counts: "acknowledged" = the client saw 250. lost = acknowledged, never arrived. A second copy SMTP allows
(RFC 1047, RFC 5321 6.1) is counted apart, at each hop: "re-sent, arrived twice" = the client never saw its 250 and
sent it again; "in flight at the kill" = the relay was delivering it when it was killed (its last line in the daemon's
debug log before the kill is "sending", so the provider may have answered 250 unseen). duplicated = any other
second copy: a defect.
"""
import argparse, base64, re, imaplib, json, os, random, signal, smtplib, socket, ssl, subprocess, sys, threading, time
import urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from send_speed import token  # the test-only password grant, for reading the INBOX

DOMAIN = os.environ.get("TB_MAIL_DOMAIN", "example.test")


def imap(user):
    ctx = ssl.create_default_context(cafile=os.environ["TB_CA_CERT"])
    box = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["TB_IMAPS_PORT"]), ssl_context=ctx)
    tok = token(user)
    box.authenticate("XOAUTH2", lambda _: f"user={user}@{DOMAIN}\x01auth=Bearer {tok}\x01\x01".encode())
    box.select("INBOX")
    return box


def subjects(user, prefix):
    """Subject -> how many times it is in USER's INBOX, for subjects starting with prefix."""
    box = imap(user)
    counts = {}
    typ, data = box.search(None, "SUBJECT", f'"{prefix}"')
    ids = data[0].split()
    for start in range(0, len(ids), 500):
        chunk = b",".join(ids[start:start + 500])
        typ, got = box.fetch(chunk, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        for part in got:
            if isinstance(part, tuple):
                subject = part[1].decode(errors="replace").split(":", 1)[1].strip()
                counts[subject] = counts.get(subject, 0) + 1
    box.logout()
    return counts


def empty(user):
    box = imap(user)
    typ, data = box.select("INBOX")
    if int(data[0]) > 0:  # "1:*" is a bad message set in an empty folder
        box.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
        box.expunge()
    box.logout()


class Daemon:
    def __init__(self, command, port, log):
        self.command, self.port, self.log = command, port, log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, shell=True, start_new_session=True,
                                        stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"relay-crash: the daemon exited ({self.process.returncode}); see its log")
                time.sleep(0.05)
        raise SystemExit("relay-crash: the relay did not open its port within 60 s")

    def kill9(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log.flush()
        self.log.write(b"=== relay-crash: kill -9 ===\n")  # where in_flight() stops reading
        self.log.flush()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill9()


def in_flight(log_path):
    """Queue ids whose last line before each kill marker is "sending": being delivered when the daemon was killed."""
    last, flying = {}, set()
    with open(log_path, errors="replace") as log:
        for line in log:
            if line.startswith("=== relay-crash: kill -9"):
                flying |= {qid for qid, what in last.items() if what == "sending"}
                last = {}
                continue
            m = re.search(r"relay: ([0-9a-f]{16,32}) (delivered|sending|deferred|bounced)", line) or \
                re.search(r": ([0-9a-f]{16,32}) (sending|delivered)", line)
            if m:
                last[m.group(1)] = m.group(2)
    return flying


def message(sender, subject):
    return (f"From: {sender}\r\nTo: {sender}\r\nSubject: {subject}\r\nMessage-ID: <{subject.replace(' ', '.')}@relay-crash>\r\n"
            f"\r\nrelay crash test body\r\n" + "filler " * 600 + "\r\n").encode()


def connect(args):
    smtp = smtplib.SMTP("127.0.0.1", args.port, timeout=60)
    smtp.login(args.account, args.password)
    return smtp


def one_run(args, run, daemon):
    sender = f"{args.user}@{DOMAIN}"
    prefix = f"relay-crash {args.tag} {run} "
    kill_at = random.randint(1, args.messages - 1)
    acked, sent_twice, ids = set(), set(), {}
    killed = False
    smtp = connect(args)
    i = 0
    while i < args.messages:
        subject = f"{prefix}{i}"
        if not killed and len(acked) == kill_at:
            killed = True
            threading.Timer(random.uniform(0, 0.04), daemon.kill9).start()
        try:
            smtp.mail(sender)
            smtp.rcpt(sender)
            code, reply = smtp.data(message(sender, subject))
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            queued = re.search(rb"queued as ([0-9a-f]+)", reply)
            if queued:
                ids.setdefault(subject, []).append(queued.group(1).decode())
            acked.add(subject)
            i += 1
        except (smtplib.SMTPException, OSError):
            sent_twice.add(subject)  # its 250 never came: sent again below, as a client would
            time.sleep(0.1)
            daemon.process.wait()
            daemon.start()
            smtp = connect(args)
    smtp.quit()
    # until everything acknowledged has arrived (or 5 minutes), then 5 s more for late duplicates
    sent_at = time.monotonic()
    deadline = sent_at + 300
    while time.monotonic() < deadline:
        counts = subjects(args.user, prefix)
        if acked <= counts.keys():
            break
        time.sleep(2)
    drain = time.monotonic() - sent_at
    if drain > 60:  # everything arrived, but late: keep the log to see what held the queue
        kept = f"/tmp/relay-crash-{args.tag}-run{run}-slow.log"
        with open(args.log, "rb") as log, open(kept, "wb") as copy:
            copy.write(log.read())
        print(f"run {run}: the last acknowledged message arrived {drain:.0f} s after the burst; the daemon's log is kept"
              f" in {kept}", flush=True)
    time.sleep(5)
    counts = subjects(args.user, prefix)
    lost = sorted(acked - counts.keys())
    queued = None
    if lost:  # not arrived: still in the queue (stalled), or gone (lost)? The queue says, and the log is kept.
        listing = subprocess.run(args.queue_cmd, shell=True, capture_output=True, text=True)
        queued = sum(1 for line in listing.stdout.splitlines() if line.startswith("{"))
        kept = f"/tmp/relay-crash-{args.tag}-run{run}.log"
        with open(args.log, "rb") as log, open(kept, "wb") as copy:
            copy.write(log.read())
        print(f"run {run}: {len(lost)} acknowledged messages have not arrived; {queued} message(s) still queued; "
              f"the daemon's log is kept in {kept}", flush=True)
    flying = in_flight(args.log)
    twice = [s for s, n in counts.items() if n > 1]
    allowed = sorted(s for s in twice if s in sent_twice)
    window = sorted(s for s in twice if s not in sent_twice and set(ids.get(s, [])) & flying)
    dup = sorted(s for s in twice if s not in sent_twice and s not in window)
    return {"run": run, "kill_after": kill_at, "drain_seconds": round(drain, 1), "still_queued": queued, "acknowledged": len(acked), "resent": len(sent_twice),
            "arrived": len(counts), "lost": lost, "duplicated": dup, "resent_arrived_twice": allowed,
            "in_flight_arrived_twice": window}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--serve", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--log", required=True)
    p.add_argument("--queue-cmd", required=True, help="prints the queue as JSON lines (oauthmail queue list --json)")
    args = p.parse_args()
    args.password = os.environ["RELAY_CRASH_PASSWORD"]  # not on the command line, where ps shows it
    args.tag = str(int(time.time()))
    seed = int(os.environ.get("RELAY_CRASH_SEED", args.tag))
    random.seed(seed)
    print(f"seed {seed} (RELAY_CRASH_SEED repeats a run's kill points)", flush=True)
    empty(args.user)
    totals = {"lost": 0, "duplicated": 0, "resent_arrived_twice": 0, "in_flight_arrived_twice": 0, "acknowledged": 0}
    with open(args.log, "ab") as log:
        daemon = Daemon(args.serve, args.port, log)
        for run in range(1, args.runs + 1):
            daemon.start()
            result = one_run(args, run, daemon)
            daemon.stop()
            print(f"run {run:2d}: killed after {result['kill_after']:4d} acknowledged; acknowledged "
                  f"{result['acknowledged']}, re-sent {result['resent']}, arrived {result['arrived']}, "
                  f"lost {len(result['lost'])}, duplicated {len(result['duplicated'])}, "
                  f"re-sent and arrived twice {len(result['resent_arrived_twice'])}, "
                  f"in flight at the kill and arrived twice {len(result['in_flight_arrived_twice'])}, "
                  f"all arrived {result['drain_seconds']:.0f} s after the burst"
                  + (f"  LOST: {result['lost'][:5]}" if result['lost'] else "")
                  + (f"  DUPLICATED: {result['duplicated'][:5]}" if result['duplicated'] else ""), flush=True)
            for key in ("lost", "duplicated", "resent_arrived_twice", "in_flight_arrived_twice"):
                totals[key] += len(result[key])
            totals["acknowledged"] += result["acknowledged"]
            empty(args.user)
    print(f"total: {args.runs} kills, {totals['acknowledged']} acknowledged, lost {totals['lost']}, duplicated "
          f"{totals['duplicated']}; allowed by SMTP: re-sent and arrived twice {totals['resent_arrived_twice']}, in flight "
          f"at the kill and arrived twice {totals['in_flight_arrived_twice']}")
    sys.exit(1 if totals["lost"] or totals["duplicated"] else 0)


if __name__ == "__main__":
    main()
