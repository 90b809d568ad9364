/* Decoding the wait-state table (see snag/waits.h). */
#include "snag/waits.h"

#include <string.h>

int snag_wait_table_place(const struct snag_file_header *header, uint64_t file_size, uint64_t *offset,
                          uint64_t *size)
{
    if (header->wait_table_offset == 0 || header->wait_slot_size != sizeof(struct snag_wait_slot) ||
        header->wait_table_entries == 0 || header->wait_table_entries > 65536)
        return -1;
    uint64_t bytes = (uint64_t)header->wait_table_entries * header->wait_slot_size;
    /* between the header and the first chunk, and inside the file */
    uint64_t limit = header->first_chunk_offset < file_size ? header->first_chunk_offset : file_size;
    if (header->wait_table_offset < header->header_size || header->wait_table_offset > limit ||
        bytes > limit - header->wait_table_offset)
        return -1;
    *offset = header->wait_table_offset;
    *size = bytes;
    return 0;
}

size_t snag_wait_table_read(const void *table, uint64_t size, struct snag_thread_wait *out, size_t max)
{
    const volatile struct snag_wait_slot *slots = table;
    size_t written = 0;
    for (uint64_t index = 0; index < size / sizeof(struct snag_wait_slot) && written < max; index++) {
        const volatile struct snag_wait_slot *slot = &slots[index];
        int32_t tid = slot->tid;
        if (tid <= 0) continue;
        struct snag_thread_wait *wait = &out[written++];
        memset(wait, 0, sizeof *wait);
        wait->tid = tid;
        wait->wait_seq = slot->wait_seq;
        wait->blocked = wait->wait_seq & 1;
        wait->pthread_self = slot->pthread_self;
        if (!wait->blocked) continue;
        wait->timed = (slot->flags & SNAG_WAIT_TIMED) != 0;
        wait->process_shared = (slot->flags & SNAG_WAIT_PROCESS_SHARED) != 0;
        wait->object_class = slot->object_class;
        wait->op = slot->op;
        wait->object = slot->object;
        wait->site = slot->site;
        wait->since_ticks = slot->since_ticks;
        wait->stack = slot->stack;
        if (slot->wait_seq != wait->wait_seq) wait->blocked = 0; /* it just woke */
    }
    return written;
}
