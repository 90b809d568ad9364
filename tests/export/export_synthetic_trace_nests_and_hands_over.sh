#!/bin/sh
# A synthetic trace (export_fixture.c, which tells each case) exported:
# recursion makes one hold; nested locks nest; hand-over-hand locking cuts
# the inner hold into parts so that slices still nest; an arrow goes from the
# hold that released the lock (not from one nested in it) to the waiter's
# hold, one per waiter when a release wakes several readers; a re-lock inside
# a condition wait is a hold but not a contended one; a timed-out, an
# interrupted and a never-ending wait say so; a semaphore has waits but no
# holds and an arrow from the post to the wait (a condition wait gets one
# from the signal); a re-initialised mutex is a new lock; locks held and
# waits pending when a thread ends end with it, before the next image's
# slices on a track an exec shares; joins name the thread; untrusted names
# are escaped, not altered.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
fixture=${SNAG_EXPORT_FIXTURE:-}
case $fixture in /* | '') ;; *) fixture=$PWD/$fixture ;; esac # lib.sh moves to a temporary directory
. "$here/../integration/lib.sh"
. "$here/export_lib.sh"

[ -x "$fixture" ] || fail "SNAG_EXPORT_FIXTURE does not name the fixture writer: '$fixture'"
mkdir trace && "$fixture" trace || fail "the fixture writer failed"
export_chrome trace trace.json
check_export trace.json 2300 summary.json slices.json

# q FILTER: jq -r FILTER on the export; s FILTER: on its slices, as
# check_chrome_trace.py joined them (times in ns).
q()
{
    jqr trace.json "$1"
}
s()
{
    jqr slices.json "$1"
}

# slices PREFIX LOCK_ID: "start+duration" of the slices named PREFIX... of
# that lock, in file order, ">" when the slice goes on in another part, "<"
# when it is such a part.
slices()
{
    s "[.slices[] | select((.name | startswith(\"$1\")) and .args.lock_id == \"$2\")
        | \"\\(.start)+\\(.end - .start)\\(if .args.continues then \">\" else \"\" end)\\(if .args.continued then \"<\" else \"\" end)\"]
        | join(\" \")"
}

# with ARG LOCK_ID: "tid:start" of the slices of that lock with args.ARG true.
with()
{
    s "[.slices[] | select(.args.lock_id == \"$2\" and .args.$1) | \"\\(.tid):\\(.start)\"] | join(\" \")"
}

# waits LOCK_ID: "start+duration:outcome" of the waits for that lock.
waits()
{
    s "[.slices[] | select((.name | startswith(\"wait: \")) and .args.lock_id == \"$1\")
        | \"\\(.start)+\\(.end - .start):\\(.args.outcome)\"] | join(\" \")"
}

# A: the recursive mutex taken twice is one hold.
assert_eq "A: holds of the recursive mutex" "100+30" "$(slices "hold: " 100:0x1000)"
# B, C, E, J: M2.
assert_eq "holds of M2" "200+30 231+9 300+20 500+10 520+10 541+9 1000+1000" "$(slices "hold: " 100:0x2000)"
assert_eq "B: the contended hold of M2" "101:231" "$(with contended 100:0x2000)"
assert_eq "E: the re-lock of M2" "101:541" "$(s '[.slices[] | select(.args.lock_id == "100:0x2000" and .args.relock) | "\(.tid):\(.start)"] | join(" ")')"
assert_eq "J: M2 never released" "103:1000" \
    "$(s '[.slices[] | select(.args.lock_id == "100:0x2000" and .args.released == false) | "\(.tid):\(.start)"] | join(" ")')"
assert_eq "waits for M2" "205+26:acquired 900+10:interrupted 1005+995:still waiting when the thread ended" "$(waits 100:0x2000)"
# C: M3 cut at 320, when M2 (taken before it) is released; F: a timed-out wait.
assert_eq "holds of M3" "210+10 310+10> 320+10< 331+9 600+60 910+10" "$(slices "hold: " 100:0x3000)"
assert_eq "waits for M3" "325+6:acquired 605+45:timed out" "$(waits 100:0x3000)"
# D: one write hold, two contended read holds.
assert_eq "holds of RW" "400+20 421+9 422+9" "$(slices "hold: " 100:0x4000)"
assert_eq "modes of the RW holds" "write read read" \
    "$(s '[.slices[] | select((.name | startswith("hold: ")) and .args.lock_id == "100:0x4000") | .args.mode] | join(" ")')"
# M: M6 and M7 cut together at 1230.
assert_eq "holds of M6" "1210+20> 1230+20< 1251+9" "$(slices "hold: " 100:0x9000)"
assert_eq "holds of M7" "1220+10> 1230+10<" "$(slices "hold: " 100:0xa000)"
# Arrows (check_chrome_trace.py checked that each binds, in Perfetto and in
# chrome://tracing, to a hold of its lock that released it and to the
# waiter's contended hold): one nanosecond into each, by thread; for M6,
# from its first part. Wake-ups: from E's signal at 525 and G's post at 710
# to the waits they ended (one nanosecond before their ends).
assert_eq "arrows (tid@ns -> tid@ns)" \
    "100@201->101@232 100@321->101@332 100@401->102@422 100@401->103@423 100@525->101@539 100@710->103@710 100@1211->103@1252" \
    "$(s '.slices as $slices | [.flows[] | "\($slices[.from].tid)@\(.from_ts)->\($slices[.to].tid)@\(.to_ts)"] | join(" ")')"
# E: the condition wait and the signal that ended it; G: the semaphore: a
# wait, no hold, the post that let it through.
assert_eq "condition waits" "511+29:woke" "$(waits 100:0x5000)"
assert_eq "condition slices" "wait:511+29:woke:100 signal:525+0:null:null" \
    "$(s '[.slices[] | select(.args.lock_id == "100:0x5000")
          | "\(.name | split(":")[0]):\(.start)+\(.end - .start):\(.args.outcome):\(.args.woken_by_tid)"] | join(" ")')"
assert_eq "wake-up arrows, by kind of object" "wake: cond,wake: sem" "$(s '[.flows[] | select(.name | startswith("wake")) | .name | split(" ")[0:2] | join(" ")] | unique | join(",")')"
assert_eq "semaphore slices" "wait:700+11:acquired:100 post:710+0:null:null" \
    "$(s '[.slices[] | select(.args.lock_id == "100:0x6000")
          | "\(.name | split(":")[0]):\(.start)+\(.end - .start):\(.args.outcome):\(.args.woken_by_tid)"] | join(" ")')"
# H: two instances, two ids.
assert_eq "holds of the re-initialised mutex" "100:0x7000:810 100:0x7000#1:850" \
    "$(s '[.slices[] | select(.args.lock_id // "" | startswith("100:0x7000")) | "\(.args.lock_id):\(.start)"] | join(" ")')"
# K: the join.
assert_eq "joins" "join: thread 101:1100+60:joined:101" \
    "$(s '[.slices[] | select(.name | startswith("join: ")) | "\(.name):\(.start)+\(.end - .start):\(.args.outcome):\(.args.thread_tid)"] | join(" ")')"
# L: names escaped as they are.
assert_eq "thread names" true \
    "$(q '[.traceEvents[] | select(.name == "thread_name") | "\(.tid)=\(.args.name)"]
          == ["100=main", "101=thread 2", "102=bad\u0001name\ufffd", "103=thread 4", "100=main"]')"
assert_eq "process names" '["/bin/fix\"ture","/bin/after-exec"]' \
    "$(q '[.traceEvents[] | select(.name == "process_name") | .args.name] | tojson')"
# N: the exec. On track 100:100, the first image's unreleased hold ends at
# 2000, before the second image's hold (check_chrome_trace.py checked that
# the file goes forward in time on each track).
assert_eq "holds on track 100:100 from 1300" "M9:1300+700:unreleased M8:2100+10:" \
    "$(s '[.slices[] | select(.tid == 100 and (.name | startswith("hold: ")) and .start >= 1300)
          | "\(if .args.lock_id == "100:0xc000" then "M9" elif .args.lock_id == "100:0xb000" then "M8" else .args.lock_id end):\(.start)+\(.end - .start):\(if .args.released == false then "unreleased" else "" end)"] | join(" ")')"
assert_eq "process ends" '[{"name":"replaced by exec","ts":2,"argv":["/bin/fix\"ture","a\\b"],"status":null},{"name":"exit 3","ts":2.3,"argv":["/bin/after-exec"],"status":3}]' \
    "$(q '[.traceEvents[] | select(.ph == "i") | {name, ts, argv: .args.argv, status: .args.status}] | tojson')"
