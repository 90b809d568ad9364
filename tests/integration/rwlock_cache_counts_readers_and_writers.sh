#!/bin/sh
# rwlock_cache (3 readers x 20000 lookups, 200 updates): cache_lock is read-
# locked exactly 60000 times and write-locked exactly 200 times.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/rwlock_cache"
assert_eq "rwlock_cache stdout under snag" \
    "lookups=60000 updates=200 version=200 mismatches=0 checksum=12800040416" "$(cat run.out)"
report_json trace report.json

type=$(lock_field report.json cache_lock type) || exit 1
acquisitions=$(lock_field report.json cache_lock acquisitions) || exit 1
shared=$(lock_field report.json cache_lock shared_acquisitions) || exit 1
assert_eq "cache_lock type" rwlock "$type"
assert_eq "cache_lock acquisitions (read + write)" 60200 "$acquisitions"
assert_eq "cache_lock shared_acquisitions" 60000 "$shared"

sites=$(jqr report.json '.locks[] | select(.["label"] == "cache_lock") | [.sites[] | "\(.function)=\(.acquisitions)"] | sort | join(" ")') || exit 1
assert_eq "cache_lock acquisitions by call site" "cache_lookup=60000 cache_update=200" "$sites"
