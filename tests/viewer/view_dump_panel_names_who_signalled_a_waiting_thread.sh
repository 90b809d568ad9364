#!/bin/sh
# For the selected thread waiting on a condition variable or a semaphore,
# the state panel says who last signalled, broadcast or posted it since the
# wait began, or that nobody did, and its last event (gen_trace.c "signals").
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" signals sig >/dev/null || fail "gen_trace signals failed"

view_dump early.txt --size 100x40 --at 1100 sig
assert_file_has early.txt "5000 consumer: waiting on a condvar" "the consumer's state"
assert_file_has early.txt "  not signalled since it began waiting" "no signal yet at 1100 ns"

view_dump signalled.txt --size 100x40 --at 1300 sig
assert_file_has signalled.txt "  last signalled by 5001 producer, 100 ns ago" "the signal at 1200 ns"
view_dump broadcast.txt --size 100x40 --at 1550 sig
assert_file_has broadcast.txt "  last broadcast by 5001 producer, 50 ns ago" "the broadcast at 1500 ns"
grep -q "last broadcast" broadcast.txt && [ "$(grep -c 'last \(signalled\|broadcast\)' broadcast.txt)" -eq 1 ] ||
    fail "only the selected thread gets the line: $(cat broadcast.txt)"

view_dump posted.txt --size 100x40 --at 2550 sig
assert_file_has posted.txt "5000 consumer: waiting on a semaphore" "the consumer on the semaphore"
assert_file_has posted.txt "  last posted by 5001 producer, 50 ns ago" "the post at 2500 ns"
view_dump sem_early.txt --size 100x40 --at 2100 sig
assert_file_has sem_early.txt "  not posted since it began waiting" "no post yet at 2100 ns"

view_dump idle.txt --size 100x40 --at 3000 --lane 2 sig
assert_file_has idle.txt "5002 idle: waiting on a condvar" "the idle thread"
assert_file_has idle.txt "  not signalled since it began waiting" "signals of another condvar do not count"

# The selected thread's last event at the cursor, running or not.
view_dump producer.txt --size 100x40 --at 2000 --lane 1 sig
assert_file_has producer.txt "5001 producer: running" "the selected running thread is listed"
assert_file_has producer.txt "  last event: cond broadcast on cond first used at 0x401010, 500 ns ago" "its last event"
assert_eq "only the selected thread's last event" 1 "$(grep -c 'last event:' producer.txt)"
