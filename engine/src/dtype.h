/* dtype.h - what the row sorter needs to know of a dtype. */
#ifndef RS_DTYPE_H
#define RS_DTYPE_H

#include <stddef.h>

#include "rowsort.h"

typedef enum rs_key_class { RS_KEY_BOOL, RS_KEY_UINT, RS_KEY_SINT, RS_KEY_FLOAT } rs_key_class;

typedef struct rs_dtype_info {
    const char *name;
    size_t size; /* bytes per element */
    rs_key_class key_class;
    unsigned key_bits;  /* width of one key word: 16, 32 or 64 */
    unsigned words;     /* key words per element: 2 for complex */
    unsigned mant_bits; /* floats: mantissa bits */
} rs_dtype_info;

/* NULL for an unknown dtype. */
const rs_dtype_info *rs_dtype_info_of(rowsort_dtype dtype);

#endif
