#!/bin/sh
# Trace files are private (directory 0700, files 0600, whatever the umask),
# and the shim never writes through a symlink: not one planted where its
# <pid>.snag goes (it takes <pid>.1.snag instead, or records nothing), nor a
# trace directory that is itself a symlink. The traced program's output and
# exit status stay the same.
. "$(dirname "$0")/lib.sh"

[ -n "$SHIM" ] && [ -r "$SHIM" ] || fail "libsnag.so not given or not readable: '$SHIM'"
HOT_LOCK=$SAMPLES/hot_lock

# ---- modes, under the most permissive umask ----
umask 000
snag_run_ok trace sh -c "'$HOT_LOCK' 2 1000; /bin/true"
assert_eq "traced program's stdout" "counter=2000" "$(cat run.out)"
assert_eq "mode of the trace directory (umask 000)" 700 "$(stat -c %a trace)"
files=0
for file in trace/* trace/.[!.]*; do
    [ -e "$file" ] || [ -L "$file" ] || continue
    [ -f "$file" ] && [ ! -L "$file" ] || fail "$file in the trace is not a regular file"
    assert_eq "mode of $file (umask 000)" 600 "$(stat -c %a "$file")"
    files=$((files + 1))
done
# launcher.snag, sh, hot_lock and true (the fork of sh that execs them may add more).
assert_int -ge "files in the trace directory" "$files" 4
umask 022

# ---- a symlink planted at <pid>.snag ----
# sh -c '... exec env ... PROGRAM': the exec'd PROGRAM keeps the shell's pid
# $$, so the symlink can be planted under the very name the shim will want.
# env is not preloaded itself: only PROGRAM is.
printf 'victim: must not change\n' >victim
cp victim victim.orig
mkdir -m 0700 planted
# plant_and_run DIR TARGET PROGRAM [ARGS...]
plant_and_run()
{
    plant_dir=$1 plant_target=$2
    shift 2
    with_timeout 60 sh -c 'ln -s "$1" "$2/$$.snag" || exit 99; echo $$ >"$2.pid"; dir=$2 shim=$3; shift 3
        exec env LD_PRELOAD="$shim" SNAG_TRACE_DIR="$dir" "$@"' \
        plant "$plant_target" "$IT_DIR/$plant_dir" "$SHIM" "$@" >plant.out 2>plant.err
    PLANT_STATUS=$?
    [ "$PLANT_STATUS" -ne 99 ] || fail "cannot plant the symlink in $plant_dir"
    PLANT_PID=$(cat "$IT_DIR/$plant_dir.pid")
}

plant_and_run planted "$IT_DIR/victim" "$HOT_LOCK" 2 1000
assert_eq "exit status of hot_lock with a planted symlink" 0 "$PLANT_STATUS"
assert_eq "stdout of hot_lock with a planted symlink" "counter=2000" "$(cat plant.out)"
cmp -s victim victim.orig || fail "the shim wrote through the symlink planted at $PLANT_PID.snag: the victim file changed"
[ -L "planted/$PLANT_PID.snag" ] || fail "the planted symlink planted/$PLANT_PID.snag was replaced"
assert_eq "the planted symlink's target" "$IT_DIR/victim" "$(readlink "planted/$PLANT_PID.snag")"
if [ -e "planted/$PLANT_PID.1.snag" ]; then
    [ -f "planted/$PLANT_PID.1.snag" ] && [ ! -L "planted/$PLANT_PID.1.snag" ] ||
        fail "planted/$PLANT_PID.1.snag is not a regular file"
    assert_eq "mode of planted/$PLANT_PID.1.snag" 600 "$(stat -c %a "planted/$PLANT_PID.1.snag")"
    # The file the shim took instead is a good trace (read on its own: the
    # directory still holds the symlink).
    report_json "planted/$PLANT_PID.1.snag" planted.json
    acquisitions=$(lock_field planted.json counter_lock acquisitions) || exit 1
    assert_eq "counter_lock acquisitions in planted/$PLANT_PID.1.snag" 2000 "$acquisitions"
    note "the shim wrote $PLANT_PID.1.snag beside the planted symlink"
else
    note "the shim recorded nothing beside the planted symlink"
fi
for file in planted/*; do
    case $file in
    "planted/$PLANT_PID.snag" | "planted/$PLANT_PID.1.snag") ;;
    *) fail "unexpected file in the trace directory: $file" ;;
    esac
done

# A dangling symlink: the shim must not create its target.
mkdir -m 0700 dangling
plant_and_run dangling "$IT_DIR/created-through-symlink" "$HOT_LOCK" 1 1000
assert_eq "exit status of hot_lock with a dangling planted symlink" 0 "$PLANT_STATUS"
assert_eq "stdout of hot_lock with a dangling planted symlink" "counter=1000" "$(cat plant.out)"
[ ! -e created-through-symlink ] || fail "the shim created the target of the dangling symlink planted at $PLANT_PID.snag"

# The program's own exit status goes through unchanged (hot_lock: 2 on a bad argument).
mkdir -m 0700 status
plant_and_run status "$IT_DIR/victim" "$HOT_LOCK" not-a-number
assert_eq "exit status of hot_lock with a bad argument and a planted symlink" 2 "$PLANT_STATUS"
cmp -s victim victim.orig || fail "the victim file changed (bad-argument run)"

# ---- a trace directory that is a symlink ----
mkdir -m 0700 real-directory
ln -s real-directory linked-directory
with_timeout 60 env LD_PRELOAD="$SHIM" SNAG_TRACE_DIR="$IT_DIR/linked-directory" "$HOT_LOCK" 2 1000 >link.out 2>link.err
status=$?
assert_eq "exit status of hot_lock with SNAG_TRACE_DIR a symlink" 0 "$status"
assert_eq "stdout of hot_lock with SNAG_TRACE_DIR a symlink" "counter=2000" "$(cat link.out)"
left=$(ls -A real-directory)
assert_eq "files written through the symlinked trace directory" "" "$left"
