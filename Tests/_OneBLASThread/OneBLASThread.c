// Swift Testing runs the suites side by side on both cores, and OpenBLAS would run a thread per
// core for every call of every one of them, spinning while they wait for each other: on 2 cores a
// fresh clone's fast tier took 70.7 s with 27.7 s of system time, against 61.3 s and 5.9 s with one
// thread per call. One BLAS thread per call, in the test process and in the `era`
// processes the tests start (they inherit the environment), lets the tests share the cores
// instead. A user's own OPENBLAS_NUM_THREADS is left as it is. Looked up at run time, so that a
// BLAS other than OpenBLAS still links.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

#include "OneBLASThread.h"

static int threads_set = 0;

int era_tests_blas_threads_set(void) { return threads_set; }

__attribute__((constructor)) static void era_tests_one_blas_thread(void) {
    if (getenv("OPENBLAS_NUM_THREADS") != NULL) return;
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    void (*set_threads)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (set_threads != NULL) {
        set_threads(1);
        threads_set = 1;
    }
}
