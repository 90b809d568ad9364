#!/bin/sh
# sem_pool (2 slots, 4 threads x 50 jobs): the semaphore slots is waited on
# exactly 200 times and posted exactly 200 times.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/sem_pool"
assert_eq "sem_pool stdout under snag" "max_concurrency=2 jobs=200" "$(cat run.out)"
report_json trace report.json

type=$(lock_field report.json slots type) || exit 1
acquisitions=$(lock_field report.json slots acquisitions) || exit 1
signals=$(lock_field report.json slots signals) || exit 1
assert_eq "slots type" sem "$type"
assert_eq "slots acquisitions (sem_wait)" 200 "$acquisitions"
assert_eq "slots signals (sem_post)" 200 "$signals"
site=$(jqr report.json '[.locks[] | select(.["label"] == "slots") | .sites[] | select(.function == "run_pooled_job") | .acquisitions] | add') || exit 1
assert_eq "slots acquisitions at run_pooled_job" 200 "$site"
