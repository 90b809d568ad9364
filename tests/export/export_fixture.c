/* Writes a synthetic trace (trace_builder.h) into the directory named on the
 * command line: one process (pid 100) whose four threads go through the
 * cases export_synthetic_cases.sh checks the export of. Ticks are
 * nanoseconds since the trace's start.
 *
 *   thread 1 = tid 100 (main), 2 = tid 101, 3 = tid 102, 4 = tid 103
 *   A   recursion: 100..130 thread 1 takes the recursive M1 twice: one hold
 *   B   nesting and a handoff: thread 1 holds M2 200..230 with M3 inside;
 *       thread 2 waits for M2 from 205, gets it at 231: an arrow from
 *       thread 1's M2 hold, not from the M3 hold nested in it
 *   C   hand-over-hand: thread 1 takes M2 at 300, M3 at 310, releases M2
 *       at 320, M3 at 330: M3's slice is cut at 320 and goes on; thread 2
 *       waits for M3 from 325, gets it at 331
 *   D   one release, two waiters: thread 1 write-locks RW 400..420,
 *       threads 3 and 4 wait to read from 405/406, get it at 421/422
 *   E   condition wait: thread 2 takes M2, waits on C from 511 (M2
 *       released at 510), thread 1 signals at 525, thread 2 wakes at 540
 *       and takes M2 back at 541 (a relock, not a contended acquisition)
 *   F   a timed-out wait: thread 3 waits for M3 605..650, ETIMEDOUT
 *   G   a semaphore: thread 4 waits for S from 700, thread 1 posts at 710,
 *       thread 4 gets it at 711: a wait, no hold, no arrow
 *   H   re-initialised: M4 initialised, used, destroyed, initialised and
 *       used again: two lock ids
 *   I   an interrupted wait: thread 3 waits for M2 at 900 and records an
 *       acquisition of M3 at 910 (a lost record): the wait ends there
 *   J   at the end: thread 4 takes M2 at 1000 and never releases it;
 *       thread 3 waits for it from 1005 until the process ends at 2000
 *   K   a join: thread 1 joins thread 2 1100..1160, thread 2 exits at 1150
 *   L   thread 3's name has a control character and an invalid byte; the
 *       argv has a quote and a backslash
 *   M   three locks cut at once: thread 1 takes M5, M6, M7 at 1200, 1210,
 *       1220, releases M5 at 1230 (M6 and M7 go on from 1230, M7's part
 *       nested in M6's), M7 at 1240, M6 at 1250; thread 4 (still holding
 *       M2) waits for M6 from 1245 and gets it at 1251: the arrow starts
 *       from M6's first part, the one slice on top just after its start
 *   N   an exec: thread 1 takes M9 at 1300 and never releases it; the image
 *       is replaced at 2000 by one (pid 100, its main thread tid 100 again:
 *       the same track) that takes M8 2100..2110 and exits with status 3
 *       at 2300: the first image's hold ends, in the file too, before the
 *       second image's begins
 */
#include <stdio.h>

#include "trace_builder.h"

#define M1 0x1000u
#define M2 0x2000u
#define M3 0x3000u
#define RW 0x4000u
#define C 0x5000u
#define S 0x6000u
#define M4 0x7000u
#define M5 0x8000u
#define M6 0x9000u
#define M7 0xa000u
#define M8 0xb000u
#define M9 0xc000u
#define SELF_1 0xa1u
#define SELF_2 0xa2u
#define SELF_3 0xa3u
#define SELF_4 0xa4u
#define SITE(n) (0x401000u + 0x10u * (n))

#define EVENT(thread, ticks, cls, op, object, site) \
    tb_event(file, thread, ticks, SNAG_CLASS_##cls, SNAG_OP_##op, object, site)
#define EVENT_AUX(thread, ticks, cls, op, object, aux) \
    tb_event_aux(file, thread, ticks, SNAG_CLASS_##cls, SNAG_OP_##op, object, aux)

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
        return 2;
    }
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->end_ticks = 2000;

    /* thread 1 */
    tb_add_thread(file, 1, 0, SELF_1, 100, 1);
    const char *const args[] = {"/bin/fix\"ture", "a\\b"};
    tb_process_info(file, 1, 1, 2, args, "/bin/fixture");
    EVENT_AUX(1, 2, MUTEX, ATTRIBUTE, M1, 1); /* recursive */
    EVENT(1, 100, MUTEX, ACQUIRE, M1, SITE(1)); /* A */
    EVENT(1, 110, MUTEX, ACQUIRE, M1, SITE(1));
    EVENT(1, 120, MUTEX, RELEASE, M1, SITE(1));
    EVENT(1, 130, MUTEX, RELEASE, M1, SITE(1));
    EVENT(1, 200, MUTEX, ACQUIRE, M2, SITE(2)); /* B */
    EVENT(1, 210, MUTEX, ACQUIRE, M3, SITE(3));
    EVENT(1, 220, MUTEX, RELEASE, M3, SITE(3));
    EVENT(1, 230, MUTEX, RELEASE, M2, SITE(2));
    EVENT(1, 300, MUTEX, ACQUIRE, M2, SITE(2)); /* C */
    EVENT(1, 310, MUTEX, ACQUIRE, M3, SITE(3));
    EVENT(1, 320, MUTEX, RELEASE, M2, SITE(2));
    EVENT(1, 330, MUTEX, RELEASE, M3, SITE(3));
    EVENT(1, 400, RWLOCK, ACQUIRE, RW, SITE(4)); /* D */
    EVENT(1, 420, RWLOCK, RELEASE, RW, SITE(4));
    EVENT(1, 520, MUTEX, ACQUIRE, M2, SITE(2)); /* E */
    EVENT(1, 525, COND, SIGNAL, C, SITE(5));
    EVENT(1, 530, MUTEX, RELEASE, M2, SITE(2));
    EVENT(1, 600, MUTEX, ACQUIRE, M3, SITE(3)); /* F */
    EVENT(1, 660, MUTEX, RELEASE, M3, SITE(3));
    EVENT(1, 710, SEM, RELEASE, S, SITE(6)); /* G */
    EVENT(1, 800, MUTEX, INIT, M4, SITE(7)); /* H */
    EVENT(1, 810, MUTEX, ACQUIRE, M4, SITE(7));
    EVENT(1, 820, MUTEX, RELEASE, M4, SITE(7));
    EVENT(1, 830, MUTEX, DESTROY, M4, SITE(7));
    EVENT(1, 840, MUTEX, INIT, M4, SITE(7));
    EVENT(1, 850, MUTEX, ACQUIRE, M4, SITE(7));
    EVENT(1, 860, MUTEX, RELEASE, M4, SITE(7));
    EVENT(1, 1100, THREAD, WAIT, SELF_2, SITE(8)); /* K */
    EVENT(1, 1160, THREAD, ACQUIRE, SELF_2, SITE(8));
    EVENT(1, 1200, MUTEX, ACQUIRE, M5, SITE(9)); /* M */
    EVENT(1, 1210, MUTEX, ACQUIRE, M6, SITE(10));
    EVENT(1, 1220, MUTEX, ACQUIRE, M7, SITE(11));
    EVENT(1, 1230, MUTEX, RELEASE, M5, SITE(9));
    EVENT(1, 1240, MUTEX, RELEASE, M7, SITE(11));
    EVENT(1, 1250, MUTEX, RELEASE, M6, SITE(10));
    EVENT(1, 1300, MUTEX, ACQUIRE, M9, SITE(12)); /* N */

    /* thread 2 */
    tb_add_thread(file, 2, 50, SELF_2, 101, 0);
    EVENT(2, 205, MUTEX, WAIT, M2, SITE(2)); /* B */
    EVENT(2, 231, MUTEX, ACQUIRE, M2, SITE(2));
    EVENT(2, 240, MUTEX, RELEASE, M2, SITE(2));
    EVENT(2, 325, MUTEX, WAIT, M3, SITE(3)); /* C */
    EVENT(2, 331, MUTEX, ACQUIRE, M3, SITE(3));
    EVENT(2, 340, MUTEX, RELEASE, M3, SITE(3));
    EVENT(2, 500, MUTEX, ACQUIRE, M2, SITE(2)); /* E */
    EVENT(2, 510, MUTEX, RELEASE, M2, SITE(5));
    EVENT(2, 511, COND, WAIT, C, SITE(5));
    EVENT_AUX(2, 540, COND, WAKE, C, 0);
    EVENT(2, 541, MUTEX, ACQUIRE, M2, SITE(5));
    EVENT(2, 550, MUTEX, RELEASE, M2, SITE(2));
    EVENT_AUX(2, 1150, THREAD, EXIT, SELF_2, SNAG_THREAD_EXIT_RETURN); /* K */

    /* thread 3 */
    tb_add_thread(file, 3, 60, SELF_3, 102, 0);
    tb_thread_name(file, 3, 61, SELF_3, "bad\001name\377"); /* L */
    EVENT(3, 405, RWLOCK, WAIT_SHARED, RW, SITE(4)); /* D */
    EVENT(3, 421, RWLOCK, ACQUIRE_SHARED, RW, SITE(4));
    EVENT(3, 430, RWLOCK, RELEASE, RW, SITE(4));
    EVENT(3, 605, MUTEX, WAIT, M3, SITE(3)); /* F */
    EVENT_AUX(3, 650, MUTEX, FAILED, M3, 110); /* ETIMEDOUT */
    EVENT(3, 900, MUTEX, WAIT, M2, SITE(2)); /* I */
    EVENT(3, 910, MUTEX, ACQUIRE, M3, SITE(3));
    EVENT(3, 920, MUTEX, RELEASE, M3, SITE(3));
    EVENT(3, 1005, MUTEX, WAIT, M2, SITE(2)); /* J */

    /* thread 4 */
    tb_add_thread(file, 4, 70, SELF_4, 103, 0);
    EVENT(4, 406, RWLOCK, WAIT_SHARED, RW, SITE(4)); /* D */
    EVENT(4, 422, RWLOCK, ACQUIRE_SHARED, RW, SITE(4));
    EVENT(4, 431, RWLOCK, RELEASE, RW, SITE(4));
    EVENT(4, 700, SEM, WAIT, S, SITE(6)); /* G */
    EVENT(4, 711, SEM, ACQUIRE, S, SITE(6));
    EVENT(4, 1000, MUTEX, ACQUIRE, M2, SITE(2)); /* J */
    EVENT(4, 1245, MUTEX, WAIT, M6, SITE(10)); /* M */
    EVENT(4, 1251, MUTEX, ACQUIRE, M6, SITE(10));
    EVENT(4, 1260, MUTEX, RELEASE, M6, SITE(10));

    int status = tb_write_into(file, argv[1]);
    tb_free(file);

    /* N: the image after the exec */
    file = tb_begin(100, 1);
    struct snag_file_header *header = tb_header(file);
    header->image_seq = 1;
    header->anchor_ticks = 2050;
    header->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 2050;
    header->end_ticks = 2300;
    header->exit_kind = SNAG_EXIT_STATUS;
    header->exit_value = 3;
    tb_add_thread(file, 1, 2050, SELF_1, 100, 1);
    const char *const exec_args[] = {"/bin/after-exec"};
    tb_process_info(file, 1, 2051, 1, exec_args, "/bin/after-exec");
    EVENT(1, 2100, MUTEX, ACQUIRE, M8, SITE(13));
    EVENT(1, 2110, MUTEX, RELEASE, M8, SITE(13));
    status |= tb_write_into(file, argv[1]);
    tb_free(file);
    if (status != 0) {
        fprintf(stderr, "%s: cannot write the trace into %s\n", argv[0], argv[1]);
        return 1;
    }
    return 0;
}
