/* dtype_list.h - the one list of dtypes: X(ENUM, name, size, key class, key bits, words,
 * mantissa bits). Key class and width say how keys_*.c turns values into unsigned keys. */
#ifndef RS_DTYPE_LIST_H
#define RS_DTYPE_LIST_H

#define RS_DTYPE_LIST(X)                            \
    X(BOOL, "bool", 1, RS_KEY_BOOL, 16, 1, 0)       \
    X(I8, "int8", 1, RS_KEY_SINT, 16, 1, 0)         \
    X(U8, "uint8", 1, RS_KEY_UINT, 16, 1, 0)        \
    X(I16, "int16", 2, RS_KEY_SINT, 16, 1, 0)       \
    X(U16, "uint16", 2, RS_KEY_UINT, 16, 1, 0)      \
    X(I32, "int32", 4, RS_KEY_SINT, 32, 1, 0)       \
    X(U32, "uint32", 4, RS_KEY_UINT, 32, 1, 0)      \
    X(I64, "int64", 8, RS_KEY_SINT, 64, 1, 0)       \
    X(U64, "uint64", 8, RS_KEY_UINT, 64, 1, 0)      \
    X(F16, "float16", 2, RS_KEY_FLOAT, 16, 1, 10)   \
    X(BF16, "bfloat16", 2, RS_KEY_FLOAT, 16, 1, 7)  \
    X(F32, "float32", 4, RS_KEY_FLOAT, 32, 1, 23)   \
    X(F64, "float64", 8, RS_KEY_FLOAT, 64, 1, 52)   \
    X(C64, "complex64", 8, RS_KEY_FLOAT, 32, 2, 23) \
    X(C128, "complex128", 16, RS_KEY_FLOAT, 64, 2, 52)

#endif
