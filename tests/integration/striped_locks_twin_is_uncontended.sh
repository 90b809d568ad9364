#!/bin/sh
# striped_locks does hot_lock's work with one lock per thread: each stripe
# lock is taken exactly iterations+1 times (the +1 is main's final sum) and
# nearly never contended, while hot_lock's single lock is.
. "$(dirname "$0")/lib.sh"

snag_run_ok striped "$SAMPLES/striped_locks"
assert_eq "striped_locks stdout under snag" "total=200000" "$(cat run.out)"
report_json striped striped.json

stripes=$(jqr striped.json '[.locks[] | select(.["label"] | startswith("stripe_locks"))] | length') || exit 1
assert_eq "stripe locks in the report" 2 "$stripes"
for label in stripe_locks stripe_locks+64; do
    type=$(lock_field striped.json "$label" type) || exit 1
    acquisitions=$(lock_field striped.json "$label" acquisitions) || exit 1
    assert_eq "$label type" mutex "$type"
    assert_eq "$label acquisitions" 100001 "$acquisitions"
done
striped_contended=$(jqr striped.json '[.locks[] | select(.["label"] | startswith("stripe_locks")) | .contended] | add') || exit 1
# Only main's final sum can meet a worker on a stripe lock.
assert_int -le "contended acquisitions over all stripe locks" "$striped_contended" 2

# A lock loop costs one 8-byte word per lock+unlock pair (REACQUIRE_RELEASE,
# libtrace/FORMAT.md): 4 bytes per event plus the file's fixed tables. Two
# words per pair would be 8 bytes per event and more.
events=$(jqr striped.json '.events') || exit 1
bytes=$(cat striped/*.snag | wc -c)
assert_int -ge "events of the striped run" "$events" 400000
assert_int -le "trace bytes per event of a lock loop x10 ($bytes bytes for $events events)" \
    $((bytes * 10 / events)) 65
for label in stripe_locks stripe_locks+64; do
    hold=$(lock_field striped.json "$label" hold_ns_total) || exit 1
    assert_int -gt "$label total hold time, from the pairs' hold ticks" "$hold" 0
done

# The same work on one lock: hot_lock, ten times as long (~40 ms traced), so
# that its two threads overlap even on a loaded 2-core machine.
snag_run_ok hot "$SAMPLES/hot_lock" 2 1000000
report_json hot hot.json
hot_contended=$(lock_field hot.json counter_lock contended) || exit 1
note "contended acquisitions: hot_lock counter_lock $hot_contended, striped_locks stripes $striped_contended"
assert_int -gt "hot_lock's contended acquisitions vs striped_locks' ($striped_contended)" "$hot_contended" "$striped_contended"
