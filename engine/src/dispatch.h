/* dispatch.h - choosing the kernel path once per context. */
#ifndef RS_DISPATCH_H
#define RS_DISPATCH_H

#include "rowsort.h"
#include "kernels.h"

/* 1 when this CPU (and this build) can run the path. */
int rs_isa_supported(rowsort_isa isa);

/* Resolves `requested` (ROWSORT_ISA_AUTO: the ROWSORT_ISA environment variable if set,
 * else the best supported path) to a kernel table. ROWSORT_E_ISA when the name is unknown
 * or the CPU lacks the path: never a silent fallback. */
rowsort_status rs_dispatch_choose(rowsort_isa requested, rowsort_isa *chosen,
                                  const rs_kernel_table **table);

#endif
