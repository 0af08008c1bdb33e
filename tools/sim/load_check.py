#!/usr/bin/env python3
"""Measures intergas-sim's CPU time while N paced boilers are polled over ptys.

Starts intergas-sim --pty DIR/b --count N (paced, default latency), then polls every boiler
like a reader: one status request, wait for the 32 bytes, pause GAP seconds, repeat. Prints
requests served and the simulator's CPU use (utime + stime from /proc) over the run.

  tools/sim/load_check.py BUILD/tools/sim/intergas-sim [--count 256] [--seconds 20] [--gap 1.0]
"""
import argparse
import os
import selectors
import subprocess
import tempfile
import termios
import time
import tty

REQUEST = b"S?\r"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("--count", type=int, default=256)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--gap", type=float, default=1.0, help="pause after each reply, seconds")
    a = ap.parse_args()

    d = tempfile.mkdtemp(prefix="intergas-load-")
    sim = subprocess.Popen([a.sim, "--pty", f"{d}/b", "--count", str(a.count)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    while sim.stdout.readline().strip() != "ready":
        pass
    sel = selectors.DefaultSelector()
    boilers = []
    for i in range(a.count):
        fd = os.open(f"{d}/b.{i}" if a.count > 1 else f"{d}/b", os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIOFLUSH)
        b = {"fd": fd, "buf": b"", "next": time.monotonic() + a.gap * i / a.count, "busy": False}
        boilers.append(b)
        sel.register(fd, selectors.EVENT_READ, b)

    served = 0
    cpu0, t0 = cpu_seconds(sim.pid), time.monotonic()
    while time.monotonic() - t0 < a.seconds:
        now = time.monotonic()
        for b in boilers:
            if not b["busy"] and now >= b["next"]:
                os.write(b["fd"], REQUEST)
                b["busy"], b["buf"] = True, b""
        for key, _ in sel.select(timeout=0.005):
            b = key.data
            b["buf"] += os.read(b["fd"], 64)
            if len(b["buf"]) >= 32:
                served += 1
                b["busy"], b["next"] = False, time.monotonic() + a.gap
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(sim.pid) - cpu0
    sim.stdin.write("quit\n")
    sim.stdin.flush()
    sim.wait(timeout=10)
    for b in boilers:
        os.close(b["fd"])
    os.rmdir(d)  # the simulator removed its links on quit
    print(f"boilers {a.count}, {elapsed:.1f} s, replies {served} ({served / elapsed:.0f}/s), "
          f"sim CPU {cpu:.2f} s = {100 * cpu / elapsed:.1f} % of one core")


if __name__ == "__main__":
    main()
