#!/usr/bin/env python3
"""Checks a `snag export --format=chrome` file the way its importers read it,
and prints what it holds, as JSON, for the tests to compare with the report.

usage: check_chrome_trace.py EXPORT.json DURATION_NS [SLICES.json]

SLICES.json, when given, gets every slice (complete events, and begin/end
pairs joined, their args merged) and every flow arrow, in nanoseconds:
{"slices": [{"name", "cat", "pid", "tid", "start", "end", "args"}],
 "flows": [{"name", "from": SLICE INDEX, "to": SLICE INDEX, "from_ts", "to_ts"}]}.

What is checked (each failure is a "FAIL: ..." line on stderr, exit 1):
- Strict JSON in UTF-8 (no raw control characters, no invalid bytes), the
  JSON Object Format: {"traceEvents": [...], ...}.
- Every event has the fields its phase needs in the Trace Event Format:
  ph, pid, tid; name and cat but on "E"; ts (microseconds, a number >= 0)
  but on metadata; "X" a dur >= 0; "i" a scope; "s"/"f" an id, the same name
  and cat at both ends, "f" binding to its enclosing slice (bp "e"); "M" is
  process_name, thread_name or a sort index, with its argument.
- Every event lies within [0, DURATION_NS].
- Per track, "B"/"E" pair up in file order with non-decreasing timestamps
  (chrome://tracing drops those that go back) and none stays open.
- The slices of a track nest, as Perfetto's importer sees them (events in ts
  order, then file order): it drops a complete event that partly overlaps
  the one on top of its track, and truncates what an "E" leaves open.
- Flows bind where Perfetto binds them (the slice on top of the track's
  stack when the flow event's ts comes up) and where chrome://tracing does
  (a slice containing ts): each arrow goes from a hold of a lock, ending no
  later than the acquisition, to the first part of a contended hold of the
  same lock on another thread; and there is one for every contended hold
  that has an earlier release of its lock by another thread (computed here
  from the slices themselves). A "wake: LOCK" arrow goes from a signal,
  broadcast or post (a zero-length slice of the condvar or semaphore) on
  one thread to a wait for the same object on another that the signal
  falls within and that woke (condvar) or acquired (semaphore); no wait
  gets two.
- OpenCL (cat "opencl"): host calls are slices on their thread's track,
  named "cl: FUNCTION" or "wait: device (FUNCTION)" with their call site;
  device commands are slices on a device's track (pid above 4194304); each
  arrow goes from a host call to a device command of the same name as the
  arrow, which starts no earlier than the call.
"""
import collections
import decimal
import json
import sys

failures = []


def fail(message):
    if len(failures) < 20:
        print("FAIL: " + message, file=sys.stderr)
    failures.append(message)


def ns(value):
    # numbers are parsed as Decimal: exact, where a double would round the
    # nanoseconds of times past 2^53 ns (104 days), which damaged traces reach
    return int((decimal.Decimal(value) * 1000).to_integral_value(rounding=decimal.ROUND_HALF_EVEN))


def plain(value):
    """For json.dumps: a Decimal read from the export, back as a number."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("not JSON serializable: %r" % (value,))


def is_number(value):
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else None


def check_fields(index, event, duration_ns, summary):
    """The fields each phase needs; False if the event cannot be used further."""
    where = "event %d (%s)" % (index, json.dumps(event, default=plain)[:200])
    if not isinstance(event, dict):
        fail(where + ": not an object")
        return False
    phase = event.get("ph")
    summary["phases"][str(phase)] += 1
    if phase not in ("B", "E", "X", "i", "s", "f", "M"):
        fail(where + ": unexpected phase")
        return False
    if not isinstance(event.get("pid"), int) or isinstance(event.get("pid"), bool):
        fail(where + ": no integer pid")
        return False
    if phase == "M":
        args = event.get("args", {})
        name = event.get("name")
        if name in ("process_name", "thread_name"):
            if not isinstance(args.get("name"), str) or not args["name"]:
                fail(where + ": metadata without a name")
            elif name == "process_name":
                summary["processes"].append({"pid": event["pid"], "name": args["name"]})
            elif not isinstance(event.get("tid"), int):
                fail(where + ": thread_name without tid")
            else:
                summary["threads"].append({"pid": event["pid"], "tid": event["tid"], "name": args["name"]})
        elif name in ("process_sort_index", "thread_sort_index"):
            if not isinstance(args.get("sort_index"), int):
                fail(where + ": sort index without sort_index")
        else:
            fail(where + ": unexpected metadata")
        return False
    if not isinstance(event.get("tid"), int) or isinstance(event.get("tid"), bool):
        fail(where + ": no integer tid")
        return False
    if phase != "E":
        if not isinstance(event.get("name"), str) or not event["name"]:
            fail(where + ": no name")
        if not isinstance(event.get("cat"), str) or not event["cat"]:
            fail(where + ": no category")
    if not is_number(event.get("ts")) or event["ts"] < 0:
        fail(where + ": ts is not a number >= 0")
        return False
    end = ns(event["ts"])
    if phase == "X":
        if not is_number(event.get("dur")) or event["dur"] < 0:
            fail(where + ": dur is not a number >= 0")
            return False
        end += ns(event["dur"])
    if end > duration_ns:
        fail(where + ": ends after the trace (%d ns)" % duration_ns)
    if phase in ("B", "X") and not isinstance(event.get("args"), dict):
        fail(where + ": no args")
        return False
    if phase == "i" and event.get("s") not in ("t", "p", "g"):
        fail(where + ": instant without scope")
    if phase in ("s", "f"):
        if not isinstance(event.get("id"), int):
            fail(where + ": flow event without an integer id")
            return False
        if phase == "f" and event.get("bp") != "e":
            fail(where + ': flow end does not bind to its enclosing slice (bp "e")')
    return True


def join_slices(events, usable):
    """Complete events, and begin/end pairs joined in file order per track."""
    slices, slice_of = [], {}
    open_begins = collections.defaultdict(list)
    last_ts = {}
    for index, event in enumerate(events):
        if not usable[index] or event["ph"] not in ("X", "B", "E"):
            continue
        track = (event["pid"], event["tid"])
        ts = ns(event["ts"])
        if event["ph"] == "X":
            slice_of[index] = len(slices)
            slices.append({"name": event["name"], "cat": event["cat"], "pid": event["pid"], "tid": event["tid"],
                           "start": ts, "end": ts + ns(event["dur"]), "args": event["args"]})
            continue
        if ts < last_ts.get(track, 0):
            fail("event %d (%s): goes back in time on its track (chrome://tracing drops it)" % (index, event["ph"]))
        last_ts[track] = ts
        if event["ph"] == "B":
            slice_of[index] = len(slices)
            open_begins[track].append(len(slices))
            slices.append({"name": event["name"], "cat": event["cat"], "pid": event["pid"], "tid": event["tid"],
                           "start": ts, "end": None, "args": dict(event["args"])})
        elif not open_begins[track]:
            fail("event %d: an E with no B open on its track" % index)
        else:
            begun = slices[open_begins[track].pop()]
            begun["end"] = ts
            begun["args"].update(event.get("args", {}))
    for track, begins in open_begins.items():
        for begun in begins:
            fail("a B never ended on track %s: %s" % (track, slices[begun]["name"]))
            slices[begun]["end"] = slices[begun]["start"]
    return slices, slice_of


def bind_like_perfetto(events, usable, slice_of):
    """Walks the events as Perfetto's JSON importer does, in ts order then
    file order. Its slice stack per track pops complete slices that ended
    before a new one starts; a complete slice that partly overlaps the top
    one is dropped; an E ends the topmost open slice; a flow event binds to
    the top of the stack. Returns {flow event index: slice index}."""
    order = sorted((ns(events[i]["ts"]), i) for i in range(len(events))
                   if usable[i] and events[i]["ph"] in ("X", "B", "E", "i", "s", "f"))
    stacks = collections.defaultdict(list)  # track -> [[start, end or None, slice index]]
    bound = {}

    def close(stack, ts, dur, index):
        incomplete_above = False
        for position in range(len(stack) - 1, -1, -1):
            start, end, _ = stack[position]
            if end is None:
                incomplete_above = True
                continue
            if incomplete_above:
                if ts > end:
                    fail("event %d: a slice open above one that ended (at %d) before it: Perfetto truncates it" % (index, end))
                continue
            if end < ts or (end == ts and not (end == start and dur == 0)):
                stack.pop()
            elif dur is not None and ts < end and ts + dur > end:
                fail("event %d (%s, %d ns at %d) partly overlaps the slice on top of its track (%d..%d): Perfetto drops it"
                     % (index, events[index].get("name"), dur, ts, start, end))
                return False
        return True

    for ts, index in order:
        event = events[index]
        stack = stacks[(event["pid"], event["tid"])]
        phase = event["ph"]
        if phase in ("X", "i"):
            if phase == "i" and event.get("s") != "t":
                continue
            dur = ns(event.get("dur", 0))
            if close(stack, ts, dur, index):
                stack.append([ts, ts + dur, slice_of.get(index)])
        elif phase == "B":
            if close(stack, ts, None, index):
                stack.append([ts, None, slice_of[index]])
        elif phase == "E":
            close(stack, ts, None, index)
            if not stack or stack[-1][1] is not None:
                fail("event %d: an E that does not end the slice on top of its track" % index)
                continue
            stack.pop()
        else:
            if not stack or stack[-1][2] is None:
                fail("flow event %d (%s) has no slice to bind to on its track" % (index, event["name"]))
                continue
            bound[index] = stack[-1][2]
    return bound


WAKERS = ("signal: ", "broadcast: ", "post: ")


def waker_label(name):
    for prefix in WAKERS:
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def check_wake_flow(where, start, end, source, target, summary, woken):
    lock = strip(start["name"], "wake: ")
    if waker_label(source["name"]) != lock or strip(target["name"], "wait: ") != lock:
        fail(where + ": does not go from a signal or post to a wait of its object: %s -> %s"
             % (source["name"], target["name"]))
        return
    if source["args"].get("lock_id") != target["args"].get("lock_id"):
        fail(where + ": joins two different objects")
    if source["start"] != source["end"]:
        fail(where + ": starts at a signal or post that is not a zero-length slice")
    if start.get("cat") == "sem":
        # A semaphore wait is recorded after sem_trywait found no token: the
        # post that let it through may be stamped just before the wait's
        # start (the poster records, then posts), never after its end.
        if not source["start"] <= target["end"]:
            fail(where + ": the post comes after the end of the wait")
    elif not target["start"] <= source["start"] <= target["end"]:
        fail(where + ": the signal is not within the wait")
    if target["args"].get("outcome") not in ("woke", "acquired"):
        fail(where + ": ends at a wait that did not end by a wake-up: " + str(target["args"].get("outcome")))
    if (source["pid"], source["tid"]) == (target["pid"], target["tid"]):
        fail(where + ": from a thread to itself")
    key = (target["pid"], target["tid"], target["start"])
    if key in woken:
        fail(where + ": a second arrow to the same wait")
    woken.add(key)
    summary["wake_flows"][lock] += 1


def check_flows(events, slices, bound, flows_by_id, summary, listing):
    woken = set()
    for flow_id, ends in sorted(flows_by_id.items()):
        if set(ends) != {"s", "f"}:
            fail("flow %d has no %s" % (flow_id, "start" if "s" not in ends else "end"))
            continue
        start, end = events[ends["s"]], events[ends["f"]]
        where = "flow %d (%s)" % (flow_id, start["name"])
        if (start["name"], start["cat"]) != (end["name"], end["cat"]):
            fail(where + ": start and end differ in name or cat")
        if ends["s"] not in bound or ends["f"] not in bound:
            continue
        source, target = slices[bound[ends["s"]]], slices[bound[ends["f"]]]
        for flow_event, bound_slice in ((start, source), (end, target)):
            if not bound_slice["start"] <= ns(flow_event["ts"]) <= bound_slice["end"]:
                fail(where + ": Perfetto binds it to a slice that does not contain its ts; chrome://tracing would not")
        if start["cat"] == "opencl":
            check_opencl_flow(where, source, target, start, summary)
            continue
        if start["name"].startswith("wake: "):
            check_wake_flow(where, start, end, source, target, summary, woken)
            listing.append({"name": start["name"], "from": bound[ends["s"]], "to": bound[ends["f"]],
                            "from_ts": ns(start["ts"]), "to_ts": ns(end["ts"])})
            continue
        lock = strip(source["name"], "hold: ")
        if lock is None or strip(target["name"], "hold: ") != lock or strip(start["name"], "handoff: ") != lock:
            fail(where + ": does not go from a hold to a hold of its lock: %s -> %s" % (source["name"], target["name"]))
            continue
        if source["args"].get("lock_id") != target["args"].get("lock_id"):
            fail(where + ": joins two different locks")
        if source["args"].get("released") is False:
            fail(where + ": starts at a hold never released")
        if not target["args"].get("contended") or target["args"].get("continued"):
            fail(where + ": ends at a hold that is not the start of a contended acquisition")
        if (source["pid"], source["tid"]) == (target["pid"], target["tid"]):
            fail(where + ": from a thread to itself")
        if source["start"] > target["start"]:
            fail(where + ": the release comes after the acquisition")
        summary["flows"][lock] += 1
        listing.append({"name": start["name"], "from": bound[ends["s"]], "to": bound[ends["f"]],
                        "from_ts": ns(start["ts"]), "to_ts": ns(end["ts"])})


OPENCL_DEVICE_PID_BASE = 4194304


def check_opencl_flow(where, source, target, start, summary):
    if source["cat"] != "opencl" or target["cat"] != "opencl" or source["pid"] > OPENCL_DEVICE_PID_BASE \
            or target["pid"] <= OPENCL_DEVICE_PID_BASE or target["name"] != start["name"]:
        fail(where + ": does not go from an OpenCL call to its device command: %s -> %s" % (source["name"], target["name"]))
    elif target["start"] < source["start"]:
        fail(where + ": the device command starts before the call that enqueued it")
    else:
        summary["opencl_flows"] += 1


def count_opencl(held, summary):
    name = held["name"]
    if held["pid"] > OPENCL_DEVICE_PID_BASE:
        summary["opencl_device_commands"] += 1
    elif name.startswith("cl: ") or name.startswith("wait: device ("):
        summary["opencl_host_calls"] += 1
        summary["opencl_host_waits"] += name.startswith("wait: device (")
        if not isinstance(held["args"].get("site"), str):
            fail("an OpenCL call without its call site: " + name)
    else:
        fail("an OpenCL slice on a thread that is not a host call: " + name)


def count(slices, summary):
    first_release = collections.defaultdict(dict)  # lock_id -> {(pid, tid): earliest release}
    contended = []
    for held in slices:
        if held["cat"] == "opencl":
            count_opencl(held, summary)
            continue
        name, args = held["name"], held["args"]
        hold, wait = strip(name, "hold: "), strip(name, "wait: ")
        if hold is not None:
            summary["hold_parts"][hold] += 1
            if not args.get("continued"):
                summary["holds"][hold] += 1
                summary["contended_holds"][hold] += bool(args.get("contended"))
                summary["relocks"][hold] += "relock" in args
                summary["read_holds"][hold] += args.get("mode") == "read"
                summary["write_holds"][hold] += args.get("mode") == "write"
            summary["unreleased_holds"][hold] += args.get("released") is False
            if not args.get("continues") and args.get("released") is not False:
                thread, first = (held["pid"], held["tid"]), first_release[args.get("lock_id")]
                first[thread] = min(held["end"], first.get(thread, held["end"]))
            if args.get("contended") and not args.get("continued"):
                contended.append(held)
        elif wait is not None:
            summary["waits"][wait] += 1
            summary["wait_outcomes"][args.get("outcome")] += 1
        elif name.startswith("join: "):
            summary["joins"] += 1
        elif waker_label(name) is not None:
            summary["wakers"][waker_label(name)] += 1
        else:
            fail("a slice that is neither a hold, a wait nor a join: " + name)
        if not isinstance(args.get("site"), str):
            fail("a slice without its call site: " + name)
        if (hold is not None or wait is not None) and not all(isinstance(args.get(k), str) for k in ("lock_id", "type")):
            fail("a lock slice without lock_id or type: " + name)
    for held in contended:
        thread = (held["pid"], held["tid"])
        if any(end <= held["start"] and other != thread
               for other, end in first_release[held["args"].get("lock_id")].items()):
            summary["expected_flows"][strip(held["name"], "hold: ")] += 1


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        document = json.loads(raw.decode("utf-8"), parse_float=decimal.Decimal)  # strict: control characters in strings are errors
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail("not strict JSON in UTF-8: %s" % error)
        return 1
    if not isinstance(document, dict) or not isinstance(document.get("traceEvents"), list):
        fail('not the JSON Object Format: no "traceEvents" array')
        return 1
    duration_ns = int(sys.argv[2])
    events = document["traceEvents"]
    summary = {
        "events": len(events), "phases": collections.Counter(),
        "processes": [], "threads": [], "exits": [], "findings": [],
        "holds": collections.Counter(), "hold_parts": collections.Counter(),
        "contended_holds": collections.Counter(), "relocks": collections.Counter(),
        "read_holds": collections.Counter(), "write_holds": collections.Counter(),
        "unreleased_holds": collections.Counter(),
        "waits": collections.Counter(), "wait_outcomes": collections.Counter(), "joins": 0,
        "flows": collections.Counter(), "expected_flows": collections.Counter(),
        "opencl_host_calls": 0, "opencl_host_waits": 0, "opencl_device_commands": 0, "opencl_flows": 0,
        "wakers": collections.Counter(), "wake_flows": collections.Counter(),
    }
    usable = [check_fields(index, event, duration_ns, summary) for index, event in enumerate(events)]
    flows_by_id = collections.defaultdict(dict)
    for index, event in enumerate(events):
        if not usable[index]:
            continue
        if event["ph"] in ("s", "f"):
            if event["ph"] in flows_by_id[event["id"]]:
                fail("event %d: flow id %d used twice" % (index, event["id"]))
            flows_by_id[event["id"]][event["ph"]] = index
        elif event["ph"] == "i" and event["cat"] == "process":
            summary["exits"].append(event["name"])
        elif event["ph"] == "i" and event["cat"] == "finding":
            summary["findings"].append({"name": event["name"], "pid": event["pid"], "tid": event["tid"],
                                        "ts": ns(event["ts"]), "args": event.get("args", {})})

    slices, slice_of = join_slices(events, usable)
    bound = bind_like_perfetto(events, usable, slice_of)
    flows = []
    check_flows(events, slices, bound, flows_by_id, summary, flows)
    count(slices, summary)

    if len(sys.argv) == 4:
        with open(sys.argv[3], "w") as out:
            json.dump({"slices": slices, "flows": flows}, out, default=plain)
    print(json.dumps(summary, sort_keys=True, default=plain))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
