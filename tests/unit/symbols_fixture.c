/* Fixture for test_symbols: a shared object whose symbols and lines the test
 * knows, dlopen'ed and then symbolised from its file on disk.
 *
 * Built with -g -O0 so every statement keeps its own line. Each function
 * reports the source line of its interesting call through an out-parameter
 * set to __LINE__ + 1 on the line just before the call, so the test never
 * hard-codes line numbers. The calls return void, so the instruction after
 * each call belongs to the *next* line: symbolising a return address without
 * stepping back into the call would give the wrong line.
 */
#include <pthread.h>

/* Static: only in .symtab (or the separate debug file once stripped). */
static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;

/* Global array: data addresses inside it have a non-zero offset. */
long fixture_ledger[16];

void *fixture_accounts_lock_address(void);
void *transfer_funds(long amount, int *call_line);
void *audit_transfer(int *inlined_line, int *outer_line);

/* Stores the address its caller will return to. */
__attribute__((noinline)) static void capture_return_address(void **out)
{
    *out = __builtin_return_address(0);
    __asm__ volatile("" ::: "memory"); /* keep it a real call */
}

void *fixture_accounts_lock_address(void) { return &accounts_lock; }

void *transfer_funds(long amount, int *call_line)
{
    void *ra = 0;
    pthread_mutex_lock(&accounts_lock);
    fixture_ledger[0] -= amount;
    *call_line = __LINE__ + 1;
    capture_return_address(&ra);
    fixture_ledger[1] += amount;
    pthread_mutex_unlock(&accounts_lock);
    return ra;
}

/* always_inline: inlined even at -O0, leaving a DW_TAG_inlined_subroutine. */
static inline __attribute__((always_inline)) void debit_account(void **ra, int *inlined_line)
{
    *inlined_line = __LINE__ + 1;
    capture_return_address(ra);
    fixture_ledger[2] -= 1;
}

void *audit_transfer(int *inlined_line, int *outer_line)
{
    void *ra = 0;
    *outer_line = __LINE__ + 1;
    debit_account(&ra, inlined_line);
    fixture_ledger[3] += 1;
    return ra;
}
