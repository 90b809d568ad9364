#!/bin/sh
# lock_order_inversion takes accounts_lock -> audit_lock in one thread and
# audit_lock -> accounts_lock in another, one after the other: it never
# deadlocks, yet the report has one lock_order_inversion naming both
# threads, both locks, and for each step where the first lock was held and
# where the second was taken. Its twins nest too but cannot deadlock, and
# have no finding: one order hand over hand (lock_order_consistent), both
# orders under a gate lock (lock_order_gated), the opposite order only
# tried with back-off (lock_order_trylock), both orders for reading only
# (lock_order_read_read). Two Python threads taking two threading.Locks in
# opposite orders give the same finding, on two semaphores.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/lock_order_inversion"
assert_eq "output" "balance 97/3, 3 moves audited" "$(cat run.out)"
report_json trace report.json
assert_eq "findings" 1 "$(jqr report.json '.findings | length')"
assert_eq "kind/subkind/severity" "lock_order_inversion/opposite_order/low" \
    "$(jqr report.json '.findings[0] | "\(.kind)/\(.subkind)/\(.severity)"')"
assert_eq "the locks" "accounts_lock,audit_lock" "$(jqr report.json '[.findings[0].locks[].label] | join(",")')"
assert_eq "the lock types" "mutex,mutex" "$(jqr report.json '[.findings[0].locks[].type] | join(",")')"
assert_eq "the steps: roles, held and wanted locks" "first:0->1,second:1->0" \
    "$(jqr report.json '[.findings[0].threads[] | "\(.role):\(.holds)->\(.wants)"] | join(",")')"
main=$(jqr report.json '.processes[0].pid') || exit 1
assert_eq "the finding's process" "$main" "$(jqr report.json '.findings[0].pid')"
assert_eq "two different threads, neither the main one" 2 \
    "$(jqr report.json "[.findings[0].threads[].tid | select(. != $main)] | unique | length")"
for step in "0 held_at transfer_thread" "0 waits_at record_transfer" "1 held_at audit_thread" "1 waits_at read_total"; do
    set -- $step
    site=$(jqr report.json ".findings[0].threads[$1].$2") || exit 1
    case $site in
    "$3 (lock_order_inversion.c:"*) ;;
    *) fail "step $1: $2 is not in $3: $site" ;;
    esac
done
message=$(jqr report.json '.findings[0].message') || exit 1
case $message in
"threads "*" take accounts_lock and audit_lock in opposite orders: thread "*" took audit_lock at record_transfer"*"while holding accounts_lock (taken at transfer_thread"*"took accounts_lock at read_total"*) ;;
*) fail "the message does not tell the two orders: $message" ;;
esac
with_timeout 60 "$SNAG" report trace >report.txt || fail "snag report failed"
assert_file_has report.txt "[low] lock_order_inversion/opposite_order: $message" "the text report's finding"

for twin in lock_order_consistent lock_order_gated lock_order_trylock lock_order_read_read; do
    snag_run_ok "$twin.trace" "$SAMPLES/$twin"
    report_json "$twin.trace" "$twin.json"
    assert_eq "findings for $twin" "[]" "$(jqr "$twin.json" '.findings | tojson')"
done
# The twins did nest: each has a lock taken while another was held (so the
# empty lists above come from the rules, not from nothing to look at).
assert_int -ge "lock_order_gated: acquisitions of big_lock" \
    "$(jqr lock_order_gated.json '[.locks[] | select(.label == "big_lock") | .acquisitions] | add')" 100
assert_int -ge "lock_order_trylock: trylocks of accounts_lock (acquisitions at audit_once)" \
    "$(jqr lock_order_trylock.json '[.locks[] | select(.label == "accounts_lock") | .sites[] | select(.function == "audit_once") | .acquisitions] | add')" 1

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3) || skip "no python3 (apt-get install python3)"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else 1)'; then
    note "$python is CPython 3.13 or later: threading.Lock is no semaphore there, the Python part is not checked"
    exit 0
fi
IT_RUN_TIMEOUT=120 snag_run_ok py.trace "$python" "$(dirname "$0")/../../samples/lock_order_inversion.py"
assert_eq "python output" "widgets 10" "$(cat run.out)"
report_json py.trace py.json
assert_eq "python: kind/subkind" "lock_order_inversion/opposite_order" \
    "$(jqr py.json '[.findings[] | "\(.kind)/\(.subkind)"] | join(",")')"
assert_eq "python: two semaphores (threading.Lock)" "sem,sem" "$(jqr py.json '[.findings[0].locks[].type] | join(",")')"
assert_eq "python: two threads, in opposite orders" "0->1,1->0" \
    "$(jqr py.json '[.findings[0].threads[] | "\(.holds)->\(.wants)"] | join(",")')"
assert_eq "python: the two threads differ" 2 "$(jqr py.json '[.findings[0].threads[].tid] | unique | length')"
