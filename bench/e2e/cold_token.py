#!/usr/bin/env python3
"""The timing side of bench/e2e/cold-token (run that script; this file is its helper).

  cold_token.py --rounds N --a 'COMMAND A' --b 'COMMAND B'

Starts A and B in turn, N rounds after one uncounted round, and prints each one's median wall time (start to exit,
stdout read through a pipe as a mail program reads it) and the median of the paired ratios A/B. Each command runs
in a session of its own; the next starts only when every process of that session has ended (Linux: read from
/proc, zombies not counted), so what A leaves running after it answered (the launcher's JVM closing down) never
overlaps B's timing.
"""
import argparse
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time


def run(command):
    """Seconds from start to exit of command; fails if it fails or prints nothing."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    out, err = process.communicate()
    took = time.perf_counter() - start
    if process.returncode != 0 or not out.strip():
        sys.exit(f"{command[0]} failed ({process.returncode}): {err.decode(errors='replace')}")
    wait_for_group(process.pid)
    return took


def wait_for_group(pgid, limit=10.0):
    """Until no process of group pgid runs (zombies waiting for init to reap them do not count); then kills."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and running_in_group(pgid):
        time.sleep(0.005)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def running_in_group(pgid):
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    args = parser.parse_args()
    a, b = shlex.split(args.a), shlex.split(args.b)
    run(a)
    run(b)
    times_a, times_b = [], []
    for _ in range(args.rounds):
        times_a.append(run(a))
        times_b.append(run(b))
    ratios = sorted(x / y for x, y in zip(times_a, times_b))
    ms = lambda t: f"{statistics.median(t) * 1000:.0f} ms [{min(t) * 1000:.0f}-{max(t) * 1000:.0f}]"
    print(f"A oauthmail token      median {ms(times_a)}")
    print(f"B mutt_oauth2.py       median {ms(times_b)}")
    print(f"A/B paired, {args.rounds} rounds: median {statistics.median(ratios):.2f} "
          f"[{ratios[0]:.2f}-{ratios[-1]:.2f}]  (target <= 1.00)")


if __name__ == "__main__":
    main()
