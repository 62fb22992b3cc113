/* SPDX-License-Identifier: ISC */
/* A small pool of worker threads (cli_pool.h). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli_pool.h"

typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t progressed; /* a step finished */
    size_t count;
    size_t next;    /* the next index to start */
    size_t done;    /* steps finished */
    size_t running; /* workers still in their loop */
    bool failed;
    cli_pool_fn fn;
    void *ctx;
} pool;

size_t cli_pool_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    size_t jobs = (n > 0 ? (size_t)n : 1) * CLI_POOL_JOBS_PER_PROCESSOR;
    return jobs < CLI_POOL_JOBS_MAX ? jobs : CLI_POOL_JOBS_MAX;
}

/* Takes indexes until none is left or a step failed. */
static void *work(void *arg)
{
    pool *p = arg;

    pthread_mutex_lock(&p->lock);
    while (!p->failed && p->next < p->count) {
        size_t index = p->next++;
        pthread_mutex_unlock(&p->lock);
        bool ok = p->fn(p->ctx, index);
        pthread_mutex_lock(&p->lock);
        p->done++;
        p->failed |= !ok;
        pthread_cond_signal(&p->progressed);
    }
    p->running--;
    pthread_cond_signal(&p->progressed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

bool cli_pool_run(size_t count, size_t jobs, cli_pool_fn fn, void *ctx, cli_progress *progress,
                  size_t done_before)
{
    pool p = {.count = count, .fn = fn, .ctx = ctx};
    pthread_t *threads = NULL;
    size_t started = 0;
    sigset_t all, old;
    bool ok;

    if (count == 0)
        return true;
    if (jobs == 0)
        jobs = 1;
    if (jobs > count)
        jobs = count;
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.progressed, NULL);
    if ((threads = calloc(jobs, sizeof(*threads))) != NULL) {
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        pthread_mutex_lock(&p.lock);
        for (; started < jobs; started++) {
            if (pthread_create(&threads[started], NULL, work, &p) != 0)
                break;
            p.running++;
        }
        pthread_mutex_unlock(&p.lock);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (started == 0) {
        /* no thread: the steps run here */
        p.running = 1;
        work(&p);
    }
    pthread_mutex_lock(&p.lock);
    while (p.running > 0) {
        cli_progress_update(progress, done_before + p.done);
        pthread_cond_wait(&p.progressed, &p.lock);
    }
    cli_progress_update(progress, done_before + p.done);
    ok = !p.failed && p.done == count;
    pthread_mutex_unlock(&p.lock);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_cond_destroy(&p.progressed);
    pthread_mutex_destroy(&p.lock);
    return ok;
}
