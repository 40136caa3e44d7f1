#!/usr/bin/env python3
"""Several relay daemons on one PostgreSQL: how delivery scales with hosts, and are any messages sent twice? (issue 14)

    RELAY_HOSTS_PASSWORD=PW relay_hosts.py --om CMD --work DIR --user USER --accounts "A B ..." --hosts "1 2 3"
        [--rounds 3] [--messages 600]
    relay_hosts.py --sql STATEMENT        (one statement on OAUTHMAIL_TEST_PG_URL's database, through psql)

Per run (N hosts): start `CMD serve --listen relay=127.0.0.1:PORT` in DIR/host1..hostN (state folders prepared by
relay-hosts), wait until each says its accounts are fresh, empty USER's INBOX, then send MESSAGES messages: a sender
per account, one after another, to the hosts' relay ports in turn (one connection per port), AUTH PLAIN with the local
password. Timed from the first MAIL FROM: "accepted" when the last 250 came, "delivered" when the shared queue
(oauthmail_relay_queue) is empty, i.e. Postfix answered 250 for every message, "arrived" when every Subject is in the
INBOX. Rates are MESSAGES / that time. Then 3 s more, and double sends are counted twice over: Subjects in the INBOX
more than once, and "delivered to" lines in the hosts' logs beyond MESSAGES (a host logs each provider 250 once). No
host is killed here, so the count must be 0. The daemons are stopped (SIGTERM) after each run; rounds interleave the
host counts.
"""
import argparse, os, re, signal, smtplib, socket, statistics, subprocess, sys, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay_crash import subjects, empty, message, DOMAIN  # the test bed's INBOX, counted by Subject


def psql(statement):
    """Runs one statement with psql, the connection from OAUTHMAIL_TEST_PG_URL in PG* variables, not on argv (ps)."""
    url = urllib.parse.urlsplit(os.environ["OAUTHMAIL_TEST_PG_URL"].removeprefix("jdbc:"))
    query = dict(urllib.parse.parse_qsl(url.query))
    env = dict(os.environ, PGHOST=url.hostname or "127.0.0.1", PGPORT=str(url.port or 5432),
               PGDATABASE=url.path.lstrip("/"), PGUSER=query.get("user", ""), PGPASSWORD=query.get("password", ""))
    if os.environ.get("RELAY_HOSTS_SCHEMA"):
        env["PGOPTIONS"] = "-c search_path=" + os.environ["RELAY_HOSTS_SCHEMA"]
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"relay-hosts: psql: {out.stderr.strip()}")
    return out.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Host:
    def __init__(self, om, home, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")
        env = dict(os.environ, OAUTHMAIL_HOME=home)
        self.process = subprocess.Popen(f"{om} serve --listen relay=127.0.0.1:{self.port}", shell=True,
                                        start_new_session=True, stdout=self.log, stderr=self.log, env=env)

    def await_started(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if "account(s) fresh" in self.text():
                return
            if self.process.poll() is not None:
                raise SystemExit(f"relay-hosts: a daemon exited ({self.process.returncode}):\n{self.text()[-2000:]}")
            time.sleep(0.1)
        raise SystemExit("relay-hosts: a daemon did not start within 120 s")

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def send(args, ports, prefix):
    """Every account's messages, an account per thread, to the ports in turn; returns the seconds to the last 250."""
    per_account = args.messages // len(args.accounts)
    sender = f"{args.user}@{DOMAIN}"
    failures = []

    def one(index, account):
        try:
            connections = {}
            for j in range(per_account):
                port = ports[(index + j) % len(ports)]
                if port not in connections:
                    connections[port] = smtplib.SMTP("127.0.0.1", port, timeout=60)
                    connections[port].login(account, args.password)
                refused = connections[port].sendmail(sender, [sender], message(sender, f"{prefix}{index}-{j}"))
                if refused:
                    raise RuntimeError(f"refused: {refused}")
            for smtp in connections.values():
                smtp.quit()
        except Exception as e:  # reported below: a bench run with a failed sender is no figure
            failures.append(f"{account}: {e}")

    threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(args.accounts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit("relay-hosts: sending failed: " + "; ".join(failures[:3]))
    return per_account * len(args.accounts)


def one_run(args, n, run):
    prefix = f"relay-hosts {args.tag} {run} {n}h "
    empty(args.user)
    hosts = [Host(args.om, os.path.join(args.work, f"host{i}"), os.path.join(args.work, f"run{run}-{n}h-host{i}.log"))
             for i in range(1, n + 1)]
    try:
        for h in hosts:
            h.await_started()
        t0 = time.monotonic()
        sent = send(args, [h.port for h in hosts], prefix)
        accepted = time.monotonic() - t0
        while int(psql("SELECT COUNT(*) FROM oauthmail_relay_queue")) > 0:
            if time.monotonic() - t0 > 600:
                raise SystemExit("relay-hosts: the queue did not empty within 10 minutes")
            time.sleep(0.25)  # each look starts psql: more often would take CPU from the hosts measured
        delivered = time.monotonic() - t0
        while True:
            counts = subjects(args.user, prefix)
            if len(counts) >= sent or time.monotonic() - t0 > 600:
                break
            time.sleep(0.5)
        arrived = time.monotonic() - t0
        time.sleep(3)
        counts = subjects(args.user, prefix)
    finally:
        for h in hosts:
            h.stop()
    logged = sum(len(re.findall(r" delivered to \d+ recipient", h.text())) for h in hosts)
    per_host = [len(re.findall(r" delivered to \d+ recipient", h.text())) for h in hosts]
    return {"hosts": n, "sent": sent, "arrived": len(counts), "twice": sum(1 for c in counts.values() if c > 1),
            "logged_beyond": max(0, logged - sent), "per_host": per_host,
            "accept_rate": sent / accepted, "delivery_rate": sent / delivered, "arrival_rate": sent / arrived,
            "load": os.getloadavg()[0]}  # the machine's other work: hosts on one machine share its CPUs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sql")
    p.add_argument("--om")
    p.add_argument("--work")
    p.add_argument("--user")
    p.add_argument("--accounts")
    p.add_argument("--hosts", default="1 2 3")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--messages", type=int, default=600)
    args = p.parse_args()
    if args.sql:
        psql(args.sql)
        return
    args.accounts = args.accounts.split()
    args.password = os.environ["RELAY_HOSTS_PASSWORD"]  # not on the command line, where ps shows it
    args.tag = str(int(time.time()))
    counts = [int(h) for h in args.hosts.split()]
    results = {n: [] for n in counts}
    for run in range(1, args.rounds + 1):
        for n in counts:
            r = one_run(args, n, run)
            results[n].append(r)
            print(f"round {run} {n} host(s): accepted {r['accept_rate']:6.1f}/s, delivered {r['delivery_rate']:6.1f}/s,"
                  f" arrived {r['arrival_rate']:6.1f}/s; {r['arrived']}/{r['sent']} arrived, twice {r['twice']},"
                  f" delivered lines beyond {r['logged_beyond']}, per host {r['per_host']}, load {r['load']:.1f}", flush=True)
    base = statistics.median(r["delivery_rate"] for r in results[counts[0]])
    print(f"\nmedians over {args.rounds} round(s) ({args.messages} messages, {len(args.accounts)} accounts):")
    bad = 0
    for n in counts:
        rs = results[n]
        d = statistics.median(r["delivery_rate"] for r in rs)
        bad += sum(r["twice"] + r["logged_beyond"] + (r["sent"] - r["arrived"]) for r in rs)
        print(f"  {n} host(s): delivered {d:6.1f} msg/s ({d / base:.2f}x {counts[0]} host(s)),"
              f" arrived {statistics.median(r['arrival_rate'] for r in rs):6.1f} msg/s,"
              f" accepted {statistics.median(r['accept_rate'] for r in rs):6.1f} msg/s;"
              f" double sends {sum(r['twice'] for r in rs)}, lost {sum(r['sent'] - r['arrived'] for r in rs)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
