#ifndef ERA_ONE_BLAS_THREAD_H
#define ERA_ONE_BLAS_THREAD_H

/// The BLAS thread count the test process set at load (0 when it left BLAS alone).
int era_tests_blas_threads_set(void);

#endif
