/*
 * signals.c - removes the program's temporaries when SIGINT, SIGTERM, SIGHUP or SIGBUS
 * arrives mid-run.
 *
 * A handler that only sets a flag would not do: the engine does not poll one while it
 * sorts. The handler therefore unlinks every registered temporary itself and exits with
 * 128 + the signal number; unlink, write and _exit are async-signal-safe. The table is the
 * program's static state (the library has none). Registration happens with the signals
 * blocked, so a temporary is never created without being in the table.
 *
 * "Blocked" is two things: the calling thread's signal mask, and a state the handler
 * reads. The mask alone would not do: the kernel hands a process's signal to any thread
 * that does not block it, and OpenMP's worker threads (created before, with their own
 * masks) would run the handler in the middle of a commit, between the renames of two
 * outputs. While blocked, the handler only records the signal in the state; unblocking
 * moves the state back to idle by compare-and-swap and acts on a recorded signal, so that
 * a signal is either recorded before the swap (and acted on there) or finds the state idle
 * (and acts itself). Lock-free atomics are async-signal-safe.
 *
 * SIGBUS is the other signal handled: the kernel raises it in the thread that reads a
 * mapped page the file no longer has (an input truncated by another program while it is
 * sorted) or cannot read (an I/O error). It cannot be deferred, since returning would read
 * the page again, so the handler removes the temporaries and exits at once, with status 1
 * and a message instead of a crash. It never comes during the renames of a commit: they
 * touch no mapping. `verify`, which writes nothing, installs that handler alone.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction, sigprocmask, siginfo_t */

#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_TEMPS    (CLI_MAX_OPERANDS + 2) /* the values, the indices, the stats */
#define MAX_PATH_LEN PATH_MAX

static char temp_paths[MAX_TEMPS][MAX_PATH_LEN];
static volatile sig_atomic_t temp_count;
/* The state: IDLE; DEFERRING while blocked, with the number of a signal that came meanwhile
 * above it; ACTING once a thread has begun to remove the temporaries and exit. The last
 * keeps a blocking thread from starting a commit that a signal taken just before by
 * another thread would cut in two. */
#define IDLE      0
#define DEFERRING 1
#define ACTING    2
static atomic_int state;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the handler needs lock-free atomics");
/* Nested blocks (main thread only): the outermost pair does the work. */
static int block_depth;

static void act(int sig, int fault);

/* Waits for the thread that acts to end the process. */
static void hold(void)
{
    for (;;)
        pause();
}

static void on_signal(int sig)
{
    int s = atomic_load(&state);
    for (;;) {
        if (s & DEFERRING) {
            if (atomic_compare_exchange_weak(&state, &s, DEFERRING | sig << 1))
                return; /* cli_signals_unblock() acts on it */
        } else if (s == ACTING) {
            hold();
        } else if (atomic_compare_exchange_weak(&state, &s, ACTING)) {
            act(sig, 0);
        }
    }
}

/* SIGBUS: a fault on a mapped page (BUS_ADRERR: past the end of a file truncated meanwhile;
 * BUS_OBJERR: an I/O error) acts at once; one sent by kill() is a request to stop like the
 * others; any other (an unaligned access: a bug) takes the default action, a core dump, when
 * the instruction runs again. */
static void on_bus(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (info->si_code <= 0) {
        on_signal(sig);
    } else if (info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR) {
        atomic_store(&state, ACTING);
        act(sig, 1);
    } else {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGBUS, &dfl, NULL);
    }
}

static void say(const char *text)
{
    ssize_t written = write(STDERR_FILENO, text, strlen(text));
    (void)written;
}

/* Removes the temporaries, says why, exits. */
static void act(int sig, int fault)
{
    int removed = 0;
    for (sig_atomic_t i = 0; i < temp_count; i++)
        if (temp_paths[i][0] != '\0') {
            unlink(temp_paths[i]);
            removed = 1;
        }
    say(fault           ? "rowsort: error: a mapped file could not be read or written (an input "
                          "truncated by another program while in use, or an I/O error)"
        : sig == SIGINT ? "rowsort: error: interrupted"
        : sig == SIGHUP ? "rowsort: error: hung up"
        : sig == SIGBUS ? "rowsort: error: SIGBUS sent by another process"
                        : "rowsort: error: terminated");
    /* After a complete commit nothing is left to remove: the outputs are in place. */
    say(removed ? "; temporary outputs removed\n" : "\n");
    _exit(fault ? CLI_EXIT_RUNTIME : 128 + sig);
}

static void held_back(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void cli_signals_install_fault(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    held_back(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    held_back(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A terminal that closes under a run: the same as SIGTERM, unless the run ignores it
     * (nohup). */
    struct sigaction old;
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    cli_signals_install_fault();
}

void cli_signals_block(void)
{
    if (block_depth++ > 0)
        return;
    sigset_t set;
    held_back(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
    /* A thread that took a signal just before is removing the temporaries: let it. */
    int s = IDLE;
    while (!atomic_compare_exchange_weak(&state, &s, DEFERRING)) {
        if (s == ACTING)
            hold();
        s = IDLE;
    }
}

void cli_signals_unblock(void)
{
    if (--block_depth > 0)
        return;
    /* A signal that some thread took meanwhile: acted on now. One that comes after the
     * swap finds the state idle and acts itself. */
    int s = atomic_load(&state);
    for (;;) {
        if (s == ACTING) {
            hold(); /* a fault in another thread */
        } else if (s >> 1) {
            if (atomic_compare_exchange_weak(&state, &s, ACTING))
                act(s >> 1, 0);
        } else if (atomic_compare_exchange_weak(&state, &s, IDLE)) {
            break;
        }
    }
    sigset_t set;
    held_back(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int cli_signals_add_temp(const char *path)
{
    const size_t len = strlen(path);
    if (temp_count >= MAX_TEMPS || len >= MAX_PATH_LEN)
        return -1;
    memcpy(temp_paths[temp_count], path, len + 1);
    temp_count++;
    return 0;
}

void cli_signals_forget_temp(const char *path)
{
    for (sig_atomic_t i = 0; i < temp_count; i++)
        if (strcmp(temp_paths[i], path) == 0)
            temp_paths[i][0] = '\0'; /* one byte: the handler sees the name or nothing */
}

void cli_signals_clear(void)
{
    temp_count = 0;
}
