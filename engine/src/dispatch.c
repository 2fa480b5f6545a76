/* dispatch.c - the kernel path, chosen once per context from CPUID (built without ISA flags). */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#ifdef RS_HAVE_KERN_AVX2
extern const rs_kernel_table rs_kernels_avx2;
#endif
#ifdef RS_HAVE_KERN_AVX512
extern const rs_kernel_table rs_kernels_avx512, rs_kernels_avx512_vbmi2,
    rs_kernels_avx512_intel, rs_kernels_avx512_intel_vbmi2;
#endif

/* Intel's cores get the tables measured on an Intel Xeon, the others those measured on AMD
 * Zen 4 (kern_avx512.c: where the quicksort starts partitioning in place); either with the
 * 16-bit sorts of kern_avx512_vbmi2.c where the core has VBMI2. */
static int cpu_is_intel(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_is("intel");
#else
    return 0;
#endif
}

static const rs_kernel_table *table_for(rowsort_isa isa)
{
    switch (isa) {
    case ROWSORT_ISA_SCALAR:
        return &rs_kernels_scalar;
    case ROWSORT_ISA_AVX2:
#ifdef RS_HAVE_KERN_AVX2
        return &rs_kernels_avx2;
#else
        return NULL;
#endif
    case ROWSORT_ISA_AVX512:
#ifdef RS_HAVE_KERN_AVX512
        if (!cpu_is_intel())
            return __builtin_cpu_supports("avx512vbmi2") ? &rs_kernels_avx512_vbmi2
                                                         : &rs_kernels_avx512;
        return __builtin_cpu_supports("avx512vbmi2") ? &rs_kernels_avx512_intel_vbmi2
                                                     : &rs_kernels_avx512_intel;
#else
        return NULL;
#endif
    case ROWSORT_ISA_AUTO:
        return NULL;
    }
    return NULL;
}

static int cpu_has(rowsort_isa isa)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (isa) {
    case ROWSORT_ISA_SCALAR:
        return 1;
    case ROWSORT_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
               __builtin_cpu_supports("popcnt");
    case ROWSORT_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
    case ROWSORT_ISA_AUTO:
        return 0;
    }
    return 0;
#else
    return isa == ROWSORT_ISA_SCALAR;
#endif
}

int rs_isa_supported(rowsort_isa isa)
{
    return table_for(isa) != NULL && cpu_has(isa);
}

static rowsort_status isa_from_env(rowsort_isa *isa)
{
    const char *env = getenv("ROWSORT_ISA");
    if (env == NULL || *env == '\0' || strcmp(env, "auto") == 0) {
        *isa = ROWSORT_ISA_AUTO;
        return ROWSORT_OK;
    }
    const rowsort_isa all[] = {ROWSORT_ISA_SCALAR, ROWSORT_ISA_AVX2, ROWSORT_ISA_AVX512};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(env, rowsort_isa_name(all[i])) == 0) {
            *isa = all[i];
            return ROWSORT_OK;
        }
    }
    return ROWSORT_E_ISA;
}

rowsort_status rs_dispatch_choose(rowsort_isa requested, rowsort_isa *chosen,
                                  const rs_kernel_table **table)
{
    rowsort_isa isa = requested;
    if (isa == ROWSORT_ISA_AUTO) {
        const rowsort_status s = isa_from_env(&isa);
        if (s != ROWSORT_OK)
            return s;
    }
    if (isa == ROWSORT_ISA_AUTO) {
        const rowsort_isa best_first[] = {ROWSORT_ISA_AVX512, ROWSORT_ISA_AVX2, ROWSORT_ISA_SCALAR};
        for (size_t i = 0; i < sizeof best_first / sizeof best_first[0]; i++) {
            if (rs_isa_supported(best_first[i])) {
                isa = best_first[i];
                break;
            }
        }
    }
    if (!rs_isa_supported(isa))
        return ROWSORT_E_ISA;
    *chosen = isa;
    *table = table_for(isa);
    return ROWSORT_OK;
}
