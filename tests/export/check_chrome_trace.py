#!/usr/bin/env python3
"""Checks a `snag export --format=chrome` file the way its importers read it,
and prints what it holds, as JSON, for the tests to compare with the report.

usage: check_chrome_trace.py EXPORT.json [DURATION_NS]

What is checked (each failure is one "FAIL: ..." line on stderr, exit 1):
- Strict JSON in UTF-8 (no raw control characters, no invalid bytes), the
  JSON Object Format: {"traceEvents": [...], ...}.
- Every event has the fields its phase needs (Trace Event Format): name, ph,
  pid, and for everything but metadata tid, cat and ts (microseconds, a
  number >= 0); X has dur >= 0; i has scope s; s/f share id, cat and name,
  f binds to its enclosing slice (bp "e"); M is process_name, thread_name or
  a sort index with its argument.
- Every slice lies within [0, DURATION_NS] when given.
- The slices of each track nest: Perfetto drops a complete event that
  partly overlaps one before it on its track.
- Flows bind as Perfetto binds them (to the slice on top of the track's
  stack when the flow event's ts comes up, in ts order then file order) and
  as chrome://tracing does (to a slice containing ts): each arrow goes from a
  hold of a lock, ending in its release, to a contended hold of the same
  lock on another thread, starting at or after that release; and there is
  one for every contended hold that has an earlier release of that lock by
  another thread (computed here from the slices themselves).
"""
import collections
import json
import sys

failures = []


def fail(message):
    if len(failures) < 20:
        print("FAIL: " + message, file=sys.stderr)
    failures.append(message)


def ns(value):
    return round(value * 1000)


def label_of(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else None


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        document = json.loads(raw.decode("utf-8"))  # strict: control characters in strings are errors
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail("not strict JSON in UTF-8: %s" % error)
        return 1
    duration_ns = int(sys.argv[2]) if len(sys.argv) == 3 else None
    if not isinstance(document, dict) or not isinstance(document.get("traceEvents"), list):
        fail('not the JSON Object Format: no "traceEvents" array')
        return 1
    events = document["traceEvents"]

    summary = {
        "events": len(events),
        "processes": [], "threads": [], "exits": [],
        "holds": collections.Counter(), "hold_parts": collections.Counter(),
        "contended_holds": collections.Counter(), "relocks": collections.Counter(),
        "read_holds": collections.Counter(), "write_holds": collections.Counter(),
        "unreleased_holds": collections.Counter(),
        "waits": collections.Counter(), "wait_outcomes": collections.Counter(),
        "joins": 0, "flows": collections.Counter(), "expected_flows": collections.Counter(),
        "phases": collections.Counter(),
    }
    flows_by_id = collections.defaultdict(dict)
    for index, event in enumerate(events):
        where = "event %d (%s)" % (index, json.dumps(event)[:200])
        if not isinstance(event, dict):
            fail(where + ": not an object")
            continue
        phase, name = event.get("ph"), event.get("name")
        summary["phases"][phase] += 1
        if phase not in ("X", "i", "s", "f", "M"):
            fail(where + ": unexpected phase")
            continue
        if not isinstance(name, str) or not name:
            fail(where + ": no name")
        if not isinstance(event.get("pid"), int):
            fail(where + ": no integer pid")
        if phase == "M":
            args = event.get("args", {})
            if name in ("process_name", "thread_name"):
                if not isinstance(args.get("name"), str) or not args["name"]:
                    fail(where + ": metadata without a name")
                if name == "process_name":
                    summary["processes"].append({"pid": event["pid"], "name": args.get("name")})
                else:
                    if not isinstance(event.get("tid"), int):
                        fail(where + ": thread_name without tid")
                    summary["threads"].append({"pid": event["pid"], "tid": event.get("tid"), "name": args.get("name")})
            elif name in ("process_sort_index", "thread_sort_index"):
                if not isinstance(args.get("sort_index"), int):
                    fail(where + ": sort index without sort_index")
            else:
                fail(where + ": unexpected metadata")
            continue
        if not isinstance(event.get("tid"), int):
            fail(where + ": no integer tid")
        if not isinstance(event.get("cat"), str) or not event["cat"]:
            fail(where + ": no category")
        ts = event.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            fail(where + ": ts is not a number >= 0")
            continue
        if phase == "X":
            dur = event.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                fail(where + ": dur is not a number >= 0")
                continue
            if duration_ns is not None and ns(ts) + ns(dur) > duration_ns:
                fail(where + ": ends after the trace (%d ns)" % duration_ns)
            args = event.get("args")
            if not isinstance(args, dict):
                fail(where + ": no args")
                continue
            hold, wait = label_of(name, "hold: "), label_of(name, "wait: ")
            if hold is not None:
                summary["hold_parts"][hold] += 1
                if not args.get("continued"):
                    summary["holds"][hold] += 1
                    summary["contended_holds"][hold] += bool(args.get("contended"))
                    summary["relocks"][hold] += "relock" in args
                    summary["read_holds"][hold] += args.get("mode") == "read"
                    summary["write_holds"][hold] += args.get("mode") == "write"
                summary["unreleased_holds"][hold] += args.get("released") is False
            elif wait is not None:
                summary["waits"][wait] += 1
                summary["wait_outcomes"][args.get("outcome")] += 1
            elif name.startswith("join: "):
                summary["joins"] += 1
            else:
                fail(where + ": a slice that is neither a hold, a wait nor a join")
            for key in ("site",):
                if not isinstance(args.get(key), str):
                    fail(where + ": no " + key)
            if (hold is not None or wait is not None) and not all(isinstance(args.get(k), str) for k in ("lock_id", "type")):
                fail(where + ": no lock_id or type")
        elif phase == "i":
            if event.get("s") not in ("t", "p", "g"):
                fail(where + ": instant without scope")
            if event.get("cat") == "process":
                summary["exits"].append(name)
            if duration_ns is not None and ns(ts) > duration_ns:
                fail(where + ": after the trace")
        else:
            if not isinstance(event.get("id"), int):
                fail(where + ": flow event without an integer id")
                continue
            if phase == "f" and event.get("bp") != "e":
                fail(where + ': flow end does not bind to its enclosing slice (bp "e")')
            if phase in flows_by_id[event["id"]]:
                fail(where + ": flow id used twice")
            flows_by_id[event["id"]][phase] = index
            if duration_ns is not None and ns(ts) > duration_ns:
                fail(where + ": after the trace")

    for flow_id, ends in flows_by_id.items():
        if set(ends) != {"s", "f"}:
            fail("flow %d has no %s" % (flow_id, "start" if "s" not in ends else "end"))
            continue
        start, end = events[ends["s"]], events[ends["f"]]
        if (start["name"], start["cat"]) != (end["name"], end["cat"]):
            fail("flow %d: start and end differ in name or cat" % flow_id)
        if start["ts"] > end["ts"]:
            fail("flow %d goes back in time" % flow_id)

    bind_like_perfetto(events, flows_by_id, summary)
    expect_flows(events, summary)

    print(json.dumps(summary, sort_keys=True))
    return 1 if failures else 0


def bind_like_perfetto(events, flows_by_id, summary):
    """Walks the events as Perfetto's JSON importer does: in ts order, then
    file order; a complete event pops the slices of its track that ended
    before it and is dropped if it partly overlaps the one left on top; a
    flow event binds to the slice on top of its track's stack."""
    order = sorted((ns(e["ts"]), i) for i, e in enumerate(events) if e.get("ph") in ("X", "s", "f", "i")
                   and isinstance(e.get("ts"), (int, float)))
    stacks = collections.defaultdict(list)  # (pid, tid) -> [(start, end, index)]
    bound = {}
    for ts, index in order:
        event = events[index]
        track = (event.get("pid"), event.get("tid"))
        stack = stacks[track]
        if event["ph"] in ("X", "i"):
            if event["ph"] == "i" and event.get("s") != "t":
                continue
            dur = ns(event.get("dur", 0))
            while stack:
                top_start, top_end, _ = stack[-1]
                if top_end < ts or (top_end == ts and not (top_end == top_start and dur == 0)):
                    stack.pop()
                else:
                    break
            if stack and ts < stack[-1][1] and ts + dur > stack[-1][1]:
                fail("event %d (%s at %d ns, %d ns long) partly overlaps event %d on its track: Perfetto drops it"
                     % (index, event["name"], ts, dur, stack[-1][2]))
                continue
            stack.append((ts, ts + dur, index))
        else:
            if not stack:
                fail("flow event %d (%s) has no slice to bind to on its track" % (index, event["name"]))
                continue
            start, end, slice_index = stack[-1]
            if not start <= ts <= end:
                fail("flow event %d binds in Perfetto to slice %d [%d, %d], which does not contain its ts %d"
                     " (chrome://tracing would bind another)" % (index, slice_index, start, end, ts))
            bound[index] = slice_index
    for flow_id, ends in flows_by_id.items():
        if set(ends) != {"s", "f"} or ends["s"] not in bound or ends["f"] not in bound:
            continue
        source, target = events[bound[ends["s"]]], events[bound[ends["f"]]]
        lock = label_of(source["name"], "hold: ")
        where = "flow %d (%s)" % (flow_id, events[ends["s"]]["name"])
        if lock is None or label_of(target["name"], "hold: ") != lock:
            fail(where + ": does not go from a hold to a hold of the same lock: %s -> %s" % (source["name"], target["name"]))
            continue
        if source["args"].get("lock_id") != target["args"].get("lock_id"):
            fail(where + ": joins two different locks")
        if source["args"].get("continues") or source["args"].get("released") is False:
            fail(where + ": starts at a hold that does not end in a release")
        if not target["args"].get("contended") or target["args"].get("continued"):
            fail(where + ": ends at a hold that is not the start of a contended acquisition")
        if source["tid"] == target["tid"] and source["pid"] == target["pid"]:
            fail(where + ": from a thread to itself")
        if ns(source["ts"]) + ns(source["dur"]) > ns(target["ts"]):
            fail(where + ": the release comes after the acquisition")
        summary["flows"][lock] += 1


def expect_flows(events, summary):
    """How many arrows there should be, from the slices alone: contended
    holds with an earlier release (end of a hold) of the same lock by
    another thread."""
    first_release = collections.defaultdict(dict)  # lock_id -> {(pid, tid): earliest release}
    contended = []
    for event in events:
        if event.get("ph") != "X" or not event["name"].startswith("hold: "):
            continue
        args = event["args"]
        if not args.get("continues") and args.get("released") is not False:
            thread, end = (event["pid"], event["tid"]), ns(event["ts"]) + ns(event["dur"])
            first = first_release[args["lock_id"]]
            first[thread] = min(end, first.get(thread, end))
        if args.get("contended") and not args.get("continued"):
            contended.append(event)
    for event in contended:
        start, thread = ns(event["ts"]), (event["pid"], event["tid"])
        if any(end <= start and other != thread for other, end in first_release[event["args"]["lock_id"]].items()):
            summary["expected_flows"][event["name"][len("hold: "):]] += 1


if __name__ == "__main__":
    sys.exit(main())
