/* A test-side writer of snag traces (see libtrace/include/snag/format.h).
 *
 * It lays a process file out the way the shim does (libtrace/shim/writer.c):
 * the header page at offset 0, the call-site table at 4096 (16384 slots of
 * 8 bytes), then chunks from 4096 + 131072; each chunk is a 64-byte chunk
 * header, then records (8-byte short, 16-byte fixed, variable ones of a
 * multiple of 8 bytes), and a zero word0 ends its data. Each thread
 * appends to its own current chunk and takes the next free chunk of the file
 * when a record does not fit, so the chunks of several threads interleave as
 * they do in a real trace.
 *
 * Nothing here checks what the test asks for: the builder writes exactly the
 * bytes it is told to, so tests can make broken files on purpose (edit the
 * header through tb_header(), a chunk header through tb_chunk_header(), or
 * append raw words with tb_words()). Misuse of the builder itself, or running
 * out of memory, aborts the test program.
 *
 * Defaults (tb_begin): format version 1, CLOCK_MONOTONIC at tick_hz 1e9 (one
 * tick is one nanosecond), tick_origin 0, anchor_ticks 0, anchor_monotonic_ns
 * TB_ANCHOR_MONOTONIC_NS, chunk size TB_CHUNK_SIZE. With these, and no other
 * process or launcher starting earlier, an event written at `ticks` is read
 * back at time_ns == ticks.
 */
#ifndef SNAG_TESTS_TRACE_BUILDER_H
#define SNAG_TESTS_TRACE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "snag/format.h"

#define TB_CHUNK_SIZE (64u * 1024u) /* the shim's chunk size */
#define TB_SITE_TABLE_OFFSET SNAG_FILE_HEADER_SIZE
#define TB_WAIT_TABLE_OFFSET (SNAG_FILE_HEADER_SIZE + SNAG_SITE_TABLE_ENTRIES * 8u)
#define TB_FIRST_CHUNK_OFFSET (TB_WAIT_TABLE_OFFSET + SNAG_WAIT_TABLE_ENTRIES * (uint32_t)sizeof(struct snag_wait_slot))
#define TB_ANCHOR_MONOTONIC_NS UINT64_C(1000000000)
#define TB_ANCHOR_REALTIME_NS UINT64_C(1700000000000000000)

struct tb_file;

/* A process file for `pid`, header filled with the defaults above. */
struct tb_file *tb_begin(int32_t pid, int32_t ppid);
void tb_free(struct tb_file *file);

/* The header as it will be written (chunk_count counts the chunks taken so
 * far, like the shim's live counter). Change header.chunk_size before the
 * first record to lay the file out in other chunk sizes; any later change of
 * a layout field (chunk size, offsets, site table size) goes into the header
 * only, which makes a corrupt file. */
struct snag_file_header *tb_header(struct tb_file *file);

/* Declares thread `thread_index` (1, 2, ...) with the tid its chunk headers
 * carry; a thread used without this gets tid = pid + thread_index - 1. */
void tb_thread(struct tb_file *file, uint32_t thread_index, int32_t tid);
/* Declares the thread and writes its THREAD_INFO record at `ticks`, as the
 * shim does at a thread's first record. */
void tb_add_thread(struct tb_file *file, uint32_t thread_index, uint64_t ticks, uint64_t pthread_self, int32_t tid,
                   int is_main);

/* The call-site id (1-based) of `address`, adding it to the table. */
uint16_t tb_site(struct tb_file *file, uint64_t address);
/* Slot `index` of the file's wait-state table (all free until set). */
struct snag_wait_slot *tb_wait_slot(struct tb_file *file, unsigned index);
/* Puts `address` in call-site slot `id` (1..16384) directly. */
void tb_set_site(struct tb_file *file, uint16_t id, uint64_t address);

/* A raw fixed record: word0 = type | ticks << 8, then word1. */
void tb_record(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type, uint64_t word1);
/* An object record whose aux is a call site: `site` (0 = none) goes through
 * the site table. An object address wider than 48 bits is spelled out in an
 * SNAG_REC_OBJECT record first, as the shim does. */
void tb_event(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class, unsigned op,
              uint64_t object, uint64_t site);
/* An object record with an explicit aux (FAILED, WAKE, ATTRIBUTE, EXIT, or a
 * site id chosen by the test). */
void tb_event_aux(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class, unsigned op,
                  uint64_t object, uint16_t aux);
/* An SNAG_REC_SITE record spelling out `site`, then the event with aux
 * SNAG_SITE_IN_RECORD (what the shim does when the site table is crowded). */
void tb_event_site_in_record(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class,
                             unsigned op, uint64_t object, uint64_t site);

/* A short record (types 0x08..0x0f): word0 only, 8 bytes. */
void tb_short(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type);

/* A REACQUIRE_RELEASE word (format 2): the chunk's last acquisition again at
 * `acquire_ticks`, released at `release_ticks`, timed from the chunk's
 * first_ticks (dies if the chunk is new or the times do not fit). */
void tb_pair(struct tb_file *file, uint32_t thread, uint64_t acquire_ticks, uint64_t release_ticks);

/* A variable record: word1 = total length | word1_high << 32, then the
 * payload, zero-padded to a multiple of 8. */
void tb_variable(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type, uint32_t word1_high,
                 const void *payload, size_t size);
void tb_thread_info(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t pthread_self, int32_t tid,
                    int is_main);
void tb_thread_name(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t pthread_self, const char *name);
void tb_sem_name(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t address, const char *name);
/* An OPENCL_OBJECT record: a queue (parent: its device), kernel or
 * program, with its name (up to 31 bytes kept). */
void tb_opencl_object(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t kind, uint64_t handle,
                      uint64_t parent, const char *name);
void tb_module(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t base, uint64_t low, uint64_t high,
               const void *build_id, uint16_t build_id_size, const char *path);
void tb_process_info(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t argc, const char *const *argv,
                     const char *exe);
/* A PROCESS_EVENT record (kind from enum snag_process_event_kind) with its path. */
void tb_process_event(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t kind, int32_t pid,
                      int32_t status, const char *path);

/* Appends `count` raw 64-bit words to the thread's chunk as one unit (they
 * are never split across chunks): torn records, bad lengths, anything. */
void tb_words(struct tb_file *file, uint32_t thread, const uint64_t *words, size_t count);
/* Takes a chunk that is never written (magic 0), like a process that died
 * between taking a chunk and writing its header. */
void tb_unwritten_chunk(struct tb_file *file);
/* Takes a chunk and copies chunk `chunk` (file order) into it byte for byte,
 * header included: what the shim leaves when a process dies between copying
 * a full staging chunk out and emptying it (FORMAT.md, "Chunks"). */
void tb_copy_chunk(struct tb_file *file, size_t chunk);

size_t tb_chunk_count(const struct tb_file *file);
/* The header of chunk `chunk` (file order), to alter it. */
struct snag_chunk_header *tb_chunk_header(struct tb_file *file, size_t chunk);
/* File offset at which the thread's next record of `size` bytes will go
 * (taking no chunk: if it would not fit, the offset in a chunk yet to come is
 * not known and this returns 0). */
uint64_t tb_next_offset(const struct tb_file *file, uint32_t thread, size_t size);

/* The file's bytes (malloc'ed; *size set). */
uint8_t *tb_image(const struct tb_file *file, size_t *size);
/* Writes the file to `path`; 0 or -1. */
int tb_write(const struct tb_file *file, const char *path);
/* Writes it into `directory` under its process file name: "<pid>.snag", or
 * "<pid>.<image_seq>.snag" when the header's image_seq is not 0. */
int tb_write_into(const struct tb_file *file, const char *directory);

/* Launcher file (launcher.snag). tb_launcher_defaults fills magic, version 1,
 * tick_hz 1e9 (CLOCK_MONOTONIC), the child pid and start_monotonic_ns =
 * TB_ANCHOR_MONOTONIC_NS, start_realtime_ns = TB_ANCHOR_REALTIME_NS.
 * tb_write_launcher writes the header with entry_count = count, then the entries. */
void tb_launcher_defaults(struct snag_launcher_header *header, int32_t child_pid);
int tb_write_launcher(const char *directory, const struct snag_launcher_header *header,
                      const struct snag_launcher_entry *entries, uint32_t count);

/* Files and directories. */
char *tb_temp_dir(void);                               /* a new private directory (malloc'ed path) */
char *tb_join(const char *directory, const char *name); /* "directory/name", malloc'ed */
int tb_write_bytes(const char *path, const void *bytes, size_t size);
void tb_remove_tree(const char *directory);             /* rm -r */

#endif
