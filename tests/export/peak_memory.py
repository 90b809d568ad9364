#!/usr/bin/env python3
"""Runs a command and prints its peak memory, in kB, as JSON:
{"status": N, "anon_kb": peak RssAnon, "hwm_kb": VmHWM, "seconds": S}.

usage: peak_memory.py COMMAND [ARGS...]

RssAnon (heap, stacks: what the program allocates) is sampled from
/proc/PID/status every few milliseconds; a memory use that grows with the
input grows steadily, so the samples see it. VmHWM, the kernel's own peak,
also counts the pages of files the program maps (snag's reader maps the
trace), which grow with the trace by design.
"""
import json
import os
import subprocess
import sys
import time


def read_status(pid):
    values = {}
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("RssAnon", "VmHWM"):
                    values[key] = int(rest.split()[0])
    except (OSError, ValueError):
        pass
    return values


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.monotonic()
    child = subprocess.Popen(sys.argv[1:])
    anon = hwm = 0
    while child.poll() is None:
        values = read_status(child.pid)
        anon = max(anon, values.get("RssAnon", 0))
        hwm = max(hwm, values.get("VmHWM", 0))
        time.sleep(0.005)
    print(json.dumps({"status": child.returncode, "anon_kb": anon, "hwm_kb": hwm,
                      "seconds": round(time.monotonic() - started, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
