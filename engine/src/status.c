/* status.c - status messages and the version. */
#include "rowsort.h"

const char *rowsort_status_string(rowsort_status status)
{
    switch (status) {
    case ROWSORT_OK:
        return "success";
    case ROWSORT_E_NULL:
        return "a required pointer is NULL";
    case ROWSORT_E_DTYPE:
        return "unknown dtype, or an output whose dtype differs from its operand";
    case ROWSORT_E_FLAGS:
        return "unknown or conflicting flags";
    case ROWSORT_E_NUM_KEYS:
        return "num_keys must be between 1 and the number of operands";
    case ROWSORT_E_TOP_K:
        return "top-k needs 0 <= k <= n and output arrays";
    case ROWSORT_E_INDEX_DTYPE:
        return "indices must be int32 (n < 2^31) or int64";
    case ROWSORT_E_STRIDE:
        return "a row stride is smaller than a row";
    case ROWSORT_E_OVERFLOW:
        return "array size overflows";
    case ROWSORT_E_NOMEM:
        return "out of memory";
    case ROWSORT_E_ISA:
        return "the requested instruction set is unknown or not supported by this CPU";
    case ROWSORT_E_THREADS:
        return "invalid thread count (options or ROWSORT_THREADS)";
    case ROWSORT_E_TOPOLOGY:
        return "the machine topology could not be read";
    case ROWSORT_E_PIN:
        return "threads could not be bound as the pin policy asks";
    case ROWSORT_E_OPTIONS:
        return "invalid option value";
    case ROWSORT_E_INTERNAL:
        return "internal error in rowsort (please report it)";
    }
    return "unknown status code";
}

const char *rowsort_version(void)
{
    return ROWSORT_VERSION_STRING;
}

unsigned rowsort_version_number(void)
{
    return ROWSORT_VERSION_NUMBER;
}

const char *rowsort_isa_name(rowsort_isa isa)
{
    switch (isa) {
    case ROWSORT_ISA_AUTO:
        return "auto";
    case ROWSORT_ISA_SCALAR:
        return "scalar";
    case ROWSORT_ISA_AVX2:
        return "avx2";
    case ROWSORT_ISA_AVX512:
        return "avx512";
    }
    return NULL;
}
