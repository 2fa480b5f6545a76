/* dtype.c - the dtype table and names. */
#include "dtype.h"

#include <string.h>

#include "dtype_list.h"

static const rs_dtype_info dtype_table[ROWSORT_DTYPE_COUNT] = {
#define RS_DTYPE_ROW(e, name, size, cls, bits, words, mant) \
    [ROWSORT_DTYPE_##e] = {name, size, cls, bits, words, mant},
    RS_DTYPE_LIST(RS_DTYPE_ROW)
#undef RS_DTYPE_ROW
};

const rs_dtype_info *rs_dtype_info_of(rowsort_dtype dtype)
{
    if ((unsigned)dtype >= ROWSORT_DTYPE_COUNT)
        return NULL;
    return &dtype_table[dtype];
}

size_t rowsort_dtype_size(rowsort_dtype dtype)
{
    const rs_dtype_info *info = rs_dtype_info_of(dtype);
    return info ? info->size : 0;
}

const char *rowsort_dtype_name(rowsort_dtype dtype)
{
    const rs_dtype_info *info = rs_dtype_info_of(dtype);
    return info ? info->name : NULL;
}

/* Short aliases as NumPy spells them (array-protocol codes without byte order). */
static const struct {
    const char *alias;
    rowsort_dtype dtype;
} dtype_aliases[] = {
    {"b1", ROWSORT_DTYPE_BOOL},   {"?", ROWSORT_DTYPE_BOOL},    {"i1", ROWSORT_DTYPE_I8},
    {"u1", ROWSORT_DTYPE_U8},     {"i2", ROWSORT_DTYPE_I16},    {"u2", ROWSORT_DTYPE_U16},
    {"i4", ROWSORT_DTYPE_I32},    {"u4", ROWSORT_DTYPE_U32},    {"i8", ROWSORT_DTYPE_I64},
    {"u8", ROWSORT_DTYPE_U64},    {"f2", ROWSORT_DTYPE_F16},    {"half", ROWSORT_DTYPE_F16},
    {"bf16", ROWSORT_DTYPE_BF16}, {"f4", ROWSORT_DTYPE_F32},    {"f8", ROWSORT_DTYPE_F64},
    {"c8", ROWSORT_DTYPE_C64},    {"c16", ROWSORT_DTYPE_C128},  {"f32", ROWSORT_DTYPE_F32},
    {"f64", ROWSORT_DTYPE_F64},   {"float", ROWSORT_DTYPE_F64}, {"double", ROWSORT_DTYPE_F64},
};

rowsort_status rowsort_dtype_from_name(const char *name, rowsort_dtype *dtype)
{
    if (name == NULL || dtype == NULL)
        return ROWSORT_E_NULL;
    for (int d = 0; d < ROWSORT_DTYPE_COUNT; d++) {
        if (strcmp(name, dtype_table[d].name) == 0) {
            *dtype = (rowsort_dtype)d;
            return ROWSORT_OK;
        }
    }
    for (size_t i = 0; i < sizeof dtype_aliases / sizeof dtype_aliases[0]; i++) {
        if (strcmp(name, dtype_aliases[i].alias) == 0) {
            *dtype = dtype_aliases[i].dtype;
            return ROWSORT_OK;
        }
    }
    return ROWSORT_E_DTYPE;
}
