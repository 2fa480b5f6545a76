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
 * takes the state in one atomic exchange and acts on a recorded signal, so that a signal
 * is either recorded before the exchange (and acted on there) or finds the state unblocked
 * (and acts itself). Lock-free atomics are async-signal-safe.
 *
 * SIGBUS is the other signal handled: the kernel raises it in the thread that reads a
 * mapped page the file no longer has (an input truncated by another program while it is
 * sorted) or cannot read (an I/O error). It cannot be deferred, since returning would read
 * the page again, so the handler removes the temporaries and exits at once, with status 1
 * and a message instead of a crash. It never comes during the renames of a commit: they
 * touch no mapping.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction, sigprocmask */

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_TEMPS    64
#define MAX_PATH_LEN 1100

static char temp_paths[MAX_TEMPS][MAX_PATH_LEN];
static volatile sig_atomic_t temp_count;
/* DEFERRING while blocked, with the number of a signal that came meanwhile above it. */
#define DEFERRING 1
static atomic_int state;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the handler needs lock-free atomics");

static void act(int sig);

static void on_signal(int sig)
{
    int s = atomic_load(&state);
    while (s & DEFERRING) {
        if (atomic_compare_exchange_weak(&state, &s, DEFERRING | sig << 1))
            return; /* cli_signals_unblock() acts on it */
    }
    act(sig);
}

static void say(const char *text)
{
    ssize_t written = write(STDERR_FILENO, text, strlen(text));
    (void)written;
}

/* Removes the temporaries, says why, exits. */
static void act(int sig)
{
    int removed = 0;
    for (sig_atomic_t i = 0; i < temp_count; i++)
        if (temp_paths[i][0] != '\0') {
            unlink(temp_paths[i]);
            removed = 1;
        }
    say(sig == SIGBUS   ? "rowsort: error: a mapped file could not be read (an input truncated "
                          "by another program while in use, or an I/O error)"
        : sig == SIGINT ? "rowsort: error: interrupted"
        : sig == SIGHUP ? "rowsort: error: hung up"
                        : "rowsort: error: terminated");
    /* After a complete commit nothing is left to remove: the outputs are in place. */
    say(removed ? "; temporary outputs removed\n" : "\n");
    _exit(sig == SIGBUS ? CLI_EXIT_RUNTIME : 128 + sig);
}

static void on_fault(int sig)
{
    act(sig);
}

void cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A terminal that closes under a run: the same as SIGTERM, unless the run ignores it
     * (nohup). */
    struct sigaction old;
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_fault;
    sigaction(SIGBUS, &sa, NULL);
}

static void set_mask(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(how, &set, NULL);
}

void cli_signals_block(void)
{
    set_mask(SIG_BLOCK);
    atomic_store(&state, DEFERRING);
}

void cli_signals_unblock(void)
{
    /* A signal that some thread took meanwhile: acted on now. One that comes after the
     * exchange finds the state unblocked and acts itself. */
    const int s = atomic_exchange(&state, 0);
    if (s >> 1)
        act(s >> 1);
    set_mask(SIG_UNBLOCK);
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
