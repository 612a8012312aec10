#ifndef ERA_CLAPACK_SHIM_H
#define ERA_CLAPACK_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
