#!/usr/bin/env python3
"""Many IMAP sessions through one `oauthmail serve`, with asyncio (thousands of sockets, no threads).

Driven by bench/e2e/proxy-sessions, which sets up the accounts and the daemon; it can also be run alone:

  proxy_sessions.py burst  --port P --accounts A[,B...] --password PW -n 1000 [--pid PID] [--dump-at 5 --dump-file F]
      N sessions, all released at once by a barrier: connect, LOGIN, SELECT INBOX, FETCH 1 (BODY.PEEK[]), LOGOUT.
      Successes, failures grouped by phase and reply text, latency p50/p99/max, wall time.
  proxy_sessions.py idle   --port P --accounts ... --password PW -m 5000 --step 1000 --batch 250 --pid PID
      Opens M sessions (LOGIN + SELECT) in batches of --batch and keeps them idle; the daemon's VmRSS, VmHWM,
      threads and open files at 0, STEP, 2*STEP, ... M sessions, whether they all still answer NOOP, and after
      they all closed (5 s, 30 s, and after `jcmd PID GC.run`).
  proxy_sessions.py probe  --port P --cap C [--extra 3]
      Fills the listener's C slots with clients that sit at the greeting, then shows what C+1... get.
  proxy_sessions.py preflight --port P --accounts ... --password PW
      One session per account: prints ACCOUNT EXISTS (so the caller can put a message in empty INBOXes).

Sessions go round-robin over the accounts. --json FILE appends one JSON object with the figures.
"""
import argparse
import asyncio
import collections
import json
import os
import re
import resource
import subprocess
import sys
import time

LIMIT = 1 << 22  # StreamReader line limit


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


class Failure(Exception):
    def __init__(self, phase, text):
        super().__init__(f"{phase}: {text}")
        self.phase, self.text = phase, text


def normalise(text, accounts):
    text = text.strip()
    for a in accounts:
        text = text.replace(a, "ACCOUNT")
    text = re.sub(r"\b\d{3,}\b", "N", text)
    return text[:200]


class Imap:
    def __init__(self, reader, writer):
        self.r, self.w = reader, writer

    @classmethod
    async def connect(cls, host, port):
        r, w = await asyncio.open_connection(host, port, limit=LIMIT)
        return cls(r, w)

    async def line(self, phase):
        try:
            raw = await self.r.readline()
        except (ConnectionError, OSError) as e:
            raise Failure(phase, type(e).__name__ + (f" ({e.strerror})" if getattr(e, "strerror", None) else ""))
        if not raw:
            raise Failure(phase, "connection closed by the proxy")
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    async def greeting(self):
        g = await self.line("greeting")
        if not g.startswith("* OK"):
            raise Failure("greeting", g)
        return g

    async def command(self, tag, text, phase):
        """Sends `tag text`; returns (untagged lines, literal bytes read) once the tagged reply is OK."""
        try:
            self.w.write(f"{tag} {text}\r\n".encode())
            await self.w.drain()
        except (ConnectionError, OSError) as e:
            raise Failure(phase, "send: " + type(e).__name__)
        untagged, literal = [], 0
        while True:
            line = await self.line(phase)
            m = re.search(r"\{(\d+)\}$", line)
            while m:  # a literal follows, then the rest of the line
                n = int(m.group(1))
                try:
                    await self.r.readexactly(n)
                except (asyncio.IncompleteReadError, ConnectionError, OSError):
                    raise Failure(phase, "connection closed inside a literal")
                literal += n
                line = await self.line(phase)
                m = re.search(r"\{(\d+)\}$", line)
            if line.startswith(tag + " "):
                if line[len(tag) + 1:].startswith("OK"):
                    return untagged, literal
                raise Failure(phase, line[len(tag) + 1:])
            if line.startswith("* BYE") and phase != "logout":
                raise Failure(phase, line)
            untagged.append(line)

    def close(self):
        try:
            self.w.close()
        except Exception:
            pass


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def proc(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "Threads"):
                    out[k] = int(v.split()[0])
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


def tcp_counters():
    """System-wide TcpExt counters that show a full listen queue (they count for every listener on the machine)."""
    want = ("ListenOverflows", "ListenDrops", "SyncookiesSent", "SyncookiesFailed")
    try:
        with open("/proc/net/netstat") as f:
            rows = f.read().splitlines()
        for names, values in zip(rows[0::2], rows[1::2]):
            if names.startswith("TcpExt:"):
                d = dict(zip(names.split()[1:], map(int, values.split()[1:])))
                return {k: d.get(k, 0) for k in want}
    except OSError:
        pass
    return {}


def fmt_mem(m):
    if not m:
        return "daemon gone"
    return (f"VmRSS {m.get('VmRSS', 0) / 1024:7.1f} MiB  VmHWM {m.get('VmHWM', 0) / 1024:7.1f} MiB  "
            f"threads {m.get('Threads', 0):6d}  fds {m.get('fds', 0):6d}")


def thread_dump_summary(pid, path):
    """jcmd PID Thread.print into `path`; returns lines: threads grouped by state and where they wait."""
    try:
        text = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True, timeout=60).stdout
    except Exception as e:
        return [f"jcmd failed: {e}"]
    if path:
        with open(path, "w") as f:
            f.write(text)
    groups = collections.Counter()
    names = collections.Counter()
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines or not lines[0].startswith('"'):
            continue
        name = re.sub(r"\d+", "N", lines[0].split('"')[1])
        names[name] += 1
        state = next((l.split(":", 1)[1].strip().split()[0] for l in lines if "java.lang.Thread.State" in l), "?")
        frames = [l.strip()[3:] for l in lines if l.strip().startswith("at ")]
        top = frames[0].split("(")[0] if frames else "-"
        ours = next((f.split("(")[0] for f in frames if "io.oauthmail" in f), "-")
        groups[(state, top, ours)] += 1
    out = ["threads by name: " + ", ".join(f"{n} x{c}" for n, c in names.most_common(8))]
    for (state, top, ours), c in groups.most_common(10):
        out.append(f"  {c:6d}  {state:13s} {top}  <- {ours}")
    return out


def report_failures(fails, indent="  "):
    lines = []
    for (phase, text), c in sorted(fails.items(), key=lambda kv: -kv[1]):
        lines.append(f"{indent}{c:6d}  [{phase}] {text}")
    return lines


async def burst(a):
    accounts = a.accounts.split(",")
    gate = asyncio.Event()
    results = []  # (ok, seconds, phase, text, phase times)

    async def session(i):
        acct = accounts[i % len(accounts)]
        await gate.wait()
        t0 = time.monotonic()
        marks = {}
        conn = None
        try:
            try:
                conn = await asyncio.wait_for(Imap.connect(a.host, a.port), a.timeout)
            except asyncio.TimeoutError:
                raise Failure("connect", "timeout")
            except (ConnectionError, OSError) as e:
                raise Failure("connect", type(e).__name__)
            marks["connect"] = time.monotonic() - t0

            async def dialogue():
                await conn.greeting()
                marks["greeting"] = time.monotonic() - t0
                await conn.command("a1", f"LOGIN {quote(acct)} {quote(a.password)}", "login")
                marks["login"] = time.monotonic() - t0
                await conn.command("a2", "SELECT INBOX", "select")
                marks["select"] = time.monotonic() - t0
                _, n = await conn.command("a3", "FETCH 1 (BODY.PEEK[])", "fetch")
                if n == 0:
                    raise Failure("fetch", "no message body came back")
                marks["fetch"] = time.monotonic() - t0
                await conn.command("a4", "LOGOUT", "logout")
                marks["logout"] = time.monotonic() - t0

            remaining = a.timeout - (time.monotonic() - t0)
            try:
                await asyncio.wait_for(dialogue(), remaining)
            except asyncio.TimeoutError:
                phase = next((p for p in ("greeting", "login", "select", "fetch", "logout") if p not in marks), "?")
                raise Failure(phase, f"no answer within the bench's {a.timeout:.0f} s")
            results.append((True, time.monotonic() - t0, None, None, marks))
        except Failure as f:
            results.append((False, time.monotonic() - t0, f.phase, normalise(f.text, accounts), marks))
        finally:
            if conn:
                conn.close()

    tasks = [asyncio.create_task(session(i)) for i in range(a.n)]
    await asyncio.sleep(0.5)  # every task is parked at the gate
    before = proc(a.pid) if a.pid else None
    tcp_before = tcp_counters()
    dump = None
    start = time.monotonic()
    gate.set()
    if a.pid and a.dump_at > 0:
        async def take_dump():
            await asyncio.sleep(a.dump_at)
            if len(results) < a.n:
                loop = asyncio.get_running_loop()
                mem = proc(a.pid)
                lines = await loop.run_in_executor(None, thread_dump_summary, a.pid, a.dump_file)
                return mem, lines
            return None
        dump = asyncio.create_task(take_dump())
    peak = {}

    async def sample():
        while len(results) < a.n:
            m = proc(a.pid)
            if m and m.get("Threads", 0) > peak.get("Threads", 0):
                peak.update(m)
            await asyncio.sleep(0.2)
    sampler = asyncio.create_task(sample()) if a.pid else None
    await asyncio.gather(*tasks)
    wall = time.monotonic() - start
    tcp = {k: v - tcp_before.get(k, 0) for k, v in tcp_counters().items()}
    if sampler:
        await sampler
    dumped = await dump if dump else None

    ok = [r for r in results if r[0]]
    bad = [r for r in results if not r[0]]
    lat = [r[1] for r in ok]
    fails = collections.Counter((r[2], r[3]) for r in bad)
    out = [f"burst: {a.n} simultaneous IMAP sessions (LOGIN, SELECT INBOX, FETCH 1 BODY.PEEK[], LOGOUT) "
           f"over {len(accounts)} account(s), one barrier",
           f"  succeeded {len(ok)} / {a.n}, failed {len(bad)}, wall time {wall:.2f} s",
           f"  latency of the successful ones (barrier -> LOGOUT OK): p50 {pct(lat, 50):.3f} s  "
           f"p99 {pct(lat, 99):.3f} s  max {max(lat) if lat else float('nan'):.3f} s"]
    for phase in ("connect", "greeting", "login", "select", "fetch"):
        v = [r[4][phase] for r in ok if phase in r[4]]
        if v:
            out.append(f"    {phase:8s} done at p50 {pct(v, 50):.3f} s  p99 {pct(v, 99):.3f} s  max {max(v):.3f} s")
    if bad:
        out.append("  failures by phase and reply:")
        out += report_failures(fails, "    ")
        fl = [r[1] for r in bad]
        out.append(f"  time to failure: p50 {pct(fl, 50):.3f} s  max {max(fl):.3f} s")
    if tcp:
        out.append("  kernel, whole machine, during the burst: " + ", ".join(f"{k} +{v}" for k, v in tcp.items())
                   + "  (a SYN cookie whose ACK meets a full accept queue leaves a client that thinks it is"
                   " connected and waits for a greeting that never comes)")
    if before:
        out.append(f"  daemon before: {fmt_mem(before)}")
        out.append(f"  daemon at most threads during the burst: {fmt_mem(peak)}")
        out.append(f"  daemon after:  {fmt_mem(proc(a.pid))}")
    if dumped:
        mem, lines = dumped
        out.append(f"  thread dump {a.dump_at:.0f} s after the barrier ({fmt_mem(mem)}):")
        out += ["    " + l for l in lines]
    print("\n".join(out), flush=True)
    emit(a, {"mode": "burst", "n": a.n, "accounts": len(accounts), "ok": len(ok), "failed": len(bad),
             "wall_s": wall, "p50_s": pct(lat, 50), "p99_s": pct(lat, 99), "max_s": max(lat) if lat else None,
             "failures": {f"[{p}] {t}": c for (p, t), c in fails.items()}, "peak": peak, "tcp": tcp})


async def idle(a):
    accounts = a.accounts.split(",")
    open_sessions = []
    fails = collections.Counter()
    rows = []
    t_start = time.monotonic()

    def row(label):
        m = proc(a.pid)
        rows.append((label, m))
        print(f"  {label:>28s}: {fmt_mem(m)}", flush=True)
        return m

    async def one(i):
        acct = accounts[i % len(accounts)]
        conn = None
        try:
            try:
                conn = await asyncio.wait_for(Imap.connect(a.host, a.port), a.timeout)
            except asyncio.TimeoutError:
                raise Failure("connect", "timeout")
            except (ConnectionError, OSError) as e:
                raise Failure("connect", type(e).__name__)

            async def dialogue():
                await conn.greeting()
                await conn.command("a1", f"LOGIN {quote(acct)} {quote(a.password)}", "login")
                await conn.command("a2", "SELECT INBOX", "select")
            try:
                await asyncio.wait_for(dialogue(), a.timeout)
            except asyncio.TimeoutError:
                raise Failure("login/select", f"no answer within the bench's {a.timeout:.0f} s")
            open_sessions.append(conn)
            return True
        except Failure as f:
            fails[(f.phase, normalise(f.text, accounts))] += 1
            if conn:
                conn.close()
            return False

    print(f"idle: up to {a.m} logged-in IMAP sessions (LOGIN + SELECT INBOX, then nothing) over {len(accounts)} "
          f"account(s), in batches of {a.batch}; the daemon (pid {a.pid}) after {a.settle:.0f} s at each step",
          flush=True)
    row("0 sessions")
    next_mark = a.step
    started = 0
    stopped_early = None
    while started < a.m:
        k = min(a.batch, a.m - started)
        res = await asyncio.gather(*[one(started + j) for j in range(k)])
        started += k
        if not any(res):
            stopped_early = f"stopped after {started} attempts: a whole batch of {k} failed"
        if len(open_sessions) >= next_mark or started >= a.m or stopped_early:
            await asyncio.sleep(a.settle)
            row(f"{len(open_sessions)} open ({started} tried)")
            while next_mark <= len(open_sessions):
                next_mark += a.step
        if stopped_early:
            print("  " + stopped_early, flush=True)
            break
    opened_in = time.monotonic() - t_start
    print(f"  {len(open_sessions)} sessions open, {sum(fails.values())} failed, in {opened_in:.1f} s", flush=True)
    if fails:
        print("  failures by phase and reply:")
        print("\n".join(report_failures(fails, "    ")), flush=True)
    if a.hold > 0:
        await asyncio.sleep(a.hold)
        row(f"{len(open_sessions)} open, {a.hold:.0f} s idle")
    held = rows[-1][1]

    # Are the idle sessions still alive, end to end? One NOOP each, all at once.
    async def noop(c):
        try:
            await asyncio.wait_for(c.command("n1", "NOOP", "noop"), a.timeout)
            return True
        except (Failure, asyncio.TimeoutError):
            return False
    alive = sum(await asyncio.gather(*[noop(c) for c in open_sessions]))
    print(f"  NOOP through the proxy: {alive} of {len(open_sessions)} answered OK", flush=True)
    if a.dump_file:
        lines = thread_dump_summary(a.pid, a.dump_file)
        print(f"  thread dump with {len(open_sessions)} idle sessions:")
        print("\n".join("    " + l for l in lines), flush=True)

    for c in open_sessions:
        try:
            c.w.write(b"z LOGOUT\r\n")
        except Exception:
            pass
    await asyncio.sleep(0.5)
    for c in open_sessions:
        c.close()
    await asyncio.sleep(5)
    row("all closed, 5 s later")
    await asyncio.sleep(25)
    row("all closed, 30 s later")
    await asyncio.sleep(40)
    row("all closed, 70 s later")
    subprocess.run(["jcmd", str(a.pid), "GC.run"], capture_output=True, timeout=60)
    await asyncio.sleep(3)
    row("after jcmd GC.run")
    base = rows[0][1].get("VmRSS", 0)
    n = len(open_sessions)
    if n and held:
        print(f"  per idle session: {(held.get('VmRSS', 0) - base) / n:.1f} KiB RSS, "
              f"{(held.get('Threads', 0) - rows[0][1].get('Threads', 0)) / n:.2f} threads, "
              f"{(held.get('fds', 0) - rows[0][1].get('fds', 0)) / n:.2f} fds", flush=True)
    emit(a, {"mode": "idle", "m": a.m, "open": n, "failed": sum(fails.values()), "noop_ok": alive,
             "rows": [{"label": l, **m} for l, m in rows],
             "failures": {f"[{p}] {t}": c for (p, t), c in fails.items()}})


async def probe(a):
    """Fill the cap with clients sitting at the greeting, then see what the next ones get."""
    held = []
    greeted = 0
    for i in range(a.cap):
        try:
            c = await asyncio.wait_for(Imap.connect(a.host, a.port), 10)
            g = await asyncio.wait_for(c.line("greeting"), 10)
            greeted += g.startswith("* OK")
            held.append(c)
        except Exception:
            break
    out = [f"probe: the listener's cap; {greeted} clients hold a slot at the greeting"]
    results = []
    for j in range(a.extra):
        t0 = time.monotonic()
        try:
            c = await asyncio.wait_for(Imap.connect(a.host, a.port), 10)
            lines = []
            try:
                while True:
                    l = await asyncio.wait_for(c.line("greeting"), 10)
                    lines.append(l)
            except Failure as f:
                lines.append(f"<{f.text}>")
            except asyncio.TimeoutError:
                lines.append("<still open after 10 s, nothing more>")
            c.close()
            results.append(lines)
            out.append(f"  client {greeted + j + 1}: " + " | ".join(lines) + f"   ({time.monotonic() - t0:.3f} s)")
        except Exception as e:
            out.append(f"  client {greeted + j + 1}: {type(e).__name__} {e}")
    if held:
        held.pop().close()
        await asyncio.sleep(0.5)
        try:
            c = await asyncio.wait_for(Imap.connect(a.host, a.port), 10)
            g = await asyncio.wait_for(c.line("greeting"), 10)
            out.append(f"  after one slot was freed, the next client gets: {g}")
            c.close()
        except Exception as e:
            out.append(f"  after one slot was freed: {type(e).__name__} {e}")
    for c in held:
        c.close()
    print("\n".join(out), flush=True)
    emit(a, {"mode": "probe", "cap": a.cap, "greeted": greeted, "extra": results})


async def preflight(a):
    for acct in a.accounts.split(","):
        try:
            c = await Imap.connect(a.host, a.port)
            await c.greeting()
            await c.command("a1", f"LOGIN {quote(acct)} {quote(a.password)}", "login")
            untagged, _ = await c.command("a2", "SELECT INBOX", "select")
            exists = next((int(l.split()[1]) for l in untagged if l.endswith(" EXISTS")), 0)
            await c.command("a3", "LOGOUT", "logout")
            c.close()
            print(acct, exists, flush=True)
        except Failure as f:
            print(acct, "FAILED", f, flush=True)


def emit(a, obj):
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(obj) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["burst", "idle", "probe", "preflight"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--accounts", default="")
    p.add_argument("--password", default="")
    p.add_argument("-n", type=int, default=1000)
    p.add_argument("-m", type=int, default=5000)
    p.add_argument("--step", type=int, default=1000)
    p.add_argument("--batch", type=int, default=250)
    p.add_argument("--settle", type=float, default=3.0)
    p.add_argument("--hold", type=float, default=10.0)
    p.add_argument("--timeout", type=float, default=120.0, help="per session, seconds")
    p.add_argument("--pid", type=int, default=0, help="the daemon's JVM, for /proc figures and jcmd")
    p.add_argument("--dump-at", type=float, default=0, help="burst: a thread dump this many s after the barrier")
    p.add_argument("--dump-file", default="")
    p.add_argument("--cap", type=int, default=200)
    p.add_argument("--extra", type=int, default=3)
    p.add_argument("--json", default="")
    a = p.parse_args()
    nofile = raise_nofile()
    need = {"burst": a.n, "idle": a.m, "probe": a.cap + a.extra, "preflight": 1}[a.mode] + 50
    if nofile < need:
        print(f"this client may open only {nofile} files (hard limit); {need} needed", file=sys.stderr)
        sys.exit(1)
    asyncio.run({"burst": burst, "idle": idle, "probe": probe, "preflight": preflight}[a.mode](a))


if __name__ == "__main__":
    main()
