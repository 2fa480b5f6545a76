/*
 * kernels.h - the one internal interface between the row sorter and the sorting kernels.
 *
 * Kernels know no dtype, request or thread: they sort unsigned integers ascending, alone
 * or with an index. The row sorter maps every dtype and order onto that (keys_*.c).
 * Each instruction set provides one const table; dispatch.c chooses one per context.
 */
#ifndef RS_KERNELS_H
#define RS_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Every kernel call gets a scratch buffer of at least this many bytes, 64-byte aligned,
 * that it may use freely. Kernels never allocate. */
#define RS_KERNEL_SCRATCH_BYTES(n) ((size_t)(n)*16u + 4096u)
/* The sorts of 32- and 64-bit keys alone (sort_u32, sort_i32, sort_f32, sort_f32_checked,
 * sort_u64, sort_i64, sort_f64, sort_f64_checked) need less: n keys of key_bytes (the
 * quicksort's out-of-place copy, the radix sort's buffer), 64-byte aligned. The pivot split
 * (sched_pivot.c) gives each thread that much of one shared buffer. */
#define RS_KERNEL_SCRATCH_BYTES_KEYS(n, key_bytes) ((size_t)(n) * (size_t)(key_bytes))
/* The ascending float32 transform's shift (sub1 + sub2 below): the NaNs of one sign,
 * 2^23 - 1, which puts the negative NaNs after the positive ones (sort_rows_f32_asc). */
#define RS_F32_ASC_NANS UINT32_C(0x7FFFFF)

/* One key of that transform as the int32-compared vectors hold it (vec_avx512.h's vxf32_enc:
 * the negatives' magnitude bits complemented, then the shift), and back: for the scalar
 * steps of the quicksort whose vectors hold them (vdf32). */
static inline uint32_t rs_f32_asc_fold(uint32_t v)
{
    return v ^ ((0u - (v >> 31)) & UINT32_C(0x7FFFFFFF));
}
static inline uint32_t rs_f32_asc_enc(uint32_t u)
{
    return rs_f32_asc_fold(u) - RS_F32_ASC_NANS;
}
static inline uint32_t rs_f32_asc_dec(uint32_t k)
{
    return rs_f32_asc_fold(k + RS_F32_ASC_NANS);
}

/*
 * A key transform recipe, dtype-agnostic, applied element-wise by the encode/decode entries
 * so that the row sorter's order-preserving key maps run vectorized and fused with the
 * copies into and out of the sort buffer:
 *   encode: if canonicalize: a = u & ~sign; u = a > inf_abs ? canon_nan : (a == 0 ? 0 : u)
 *           t = fold_negative ? (u & sign ? ~u : u | sign) : u ^ sign
 *           k = ((t - sub1) ^ flip) - sub2
 *   decode: t = ((k + sub2) ^ flip) + sub1
 *           u = fold_negative ? (t & sign ? t ^ sign : ~t) : t ^ sign
 * (arithmetic modulo the key width). keys.c builds recipes from dtypes and orders.
 */
typedef struct rs_key_xform {
    uint64_t sign;     /* the source's sign bit; 0 for unsigned */
    int fold_negative; /* floats: negatives have every bit complemented */
    int canonicalize;  /* floats: every NaN -> canon_nan, -0.0 -> +0.0 (not invertible) */
    uint64_t inf_abs;
    uint64_t canon_nan;
    uint64_t sub1, flip, sub2;
} rs_key_xform;

typedef struct rs_kernel_table {
    const char *name; /* "scalar", "avx2", "avx512" */
    /* The cores the table's constants were measured on ("AMD Zen 4", "Intel Xeon"), and the
     * part size from which its quicksort partitions in place (0: no quicksort). An ISA may
     * have one table per tuning; dispatch.c picks one by the CPU's vendor. */
    const char *tuned_for;
    size_t inplace_min_bytes;
    /* Bytes of int64 and float64 rows of 33..64 keys that the engine hands sort_rows_i64 and
     * sort_rows_f64 a call where it sorts them natively (nothing encoded); 0: its usual
     * block. Zen 4's packed 64-bit keys probe the first row of each call and may try a
     * block of 8 rows before they hand back rows they cannot take: more rows a call
     * amortize that. */
    size_t rows64_call_bytes;

    /* Sort keys[0..n) ascending in place. */
    void (*sort_u16)(uint16_t *keys, size_t n, void *scratch);
    void (*sort_u32)(uint32_t *keys, size_t n, void *scratch);
    void (*sort_u64)(uint64_t *keys, size_t n, void *scratch);

    /* Sort pairs (keys[i], idx[i]) ascending by key; pairs with equal keys end ordered by
     * idx ascending. Callers pass strictly increasing idx, so a stable sort by key alone
     * meets this contract too. */
    void (*sort_u16_i32)(uint16_t *keys, uint32_t *idx, size_t n, void *scratch);
    void (*sort_u32_i32)(uint32_t *keys, uint32_t *idx, size_t n, void *scratch);
    void (*sort_u64_i32)(uint64_t *keys, uint32_t *idx, size_t n, void *scratch);
    void (*sort_u16_i64)(uint16_t *keys, uint64_t *idx, size_t n, void *scratch);
    void (*sort_u32_i64)(uint32_t *keys, uint64_t *idx, size_t n, void *scratch);
    void (*sort_u64_i64)(uint64_t *keys, uint64_t *idx, size_t n, void *scratch);

    /* Stable argsort: pos[j] = the position of the j-th smallest of keys[0..n), positions of
     * equal keys ascending (what sort_uW_iX gives on the identity, without building it or
     * moving the keys back). keys[0..n) are left unspecified. */
    void (*argsort_u16_i32)(uint16_t *keys, uint32_t *pos, size_t n, void *scratch);
    void (*argsort_u32_i32)(uint32_t *keys, uint32_t *pos, size_t n, void *scratch);
    void (*argsort_u16_i64)(uint16_t *keys, uint64_t *pos, size_t n, void *scratch);
    void (*argsort_u32_i64)(uint32_t *keys, uint64_t *pos, size_t n, void *scratch);

    /* Sort each of `rows` contiguous rows of n keys (row r at keys + r * n) ascending in
     * place: what sort_uW does per row, for any n, in one call; for n <= 64 the rows go
     * through one inlined network each (no per-row call or length dispatch), which is what
     * makes batches of short rows cheap. scratch: RS_KERNEL_SCRATCH_BYTES(n). NULL in a
     * table means: call the single-row entry per row. */
    void (*sort_rows_u16)(uint16_t *keys, size_t rows, size_t n, void *scratch);
    void (*sort_rows_u32)(uint32_t *keys, size_t rows, size_t n, void *scratch);
    void (*sort_rows_u64)(uint64_t *keys, size_t rows, size_t n, void *scratch);

    /* float64 values as bit patterns, sorted ascending as numbers (-0.0 and +0.0 equal, in
     * either order), in place: keys[0..n), or each of `rows` rows of n as sort_rows_u64.
     * They return 0 when a key is a NaN or the FPU treats denormals as zero (the caller
     * then sorts transformed keys), leaving the same keys, maybe moved (the NaN is found by
     * the first partition, which has moved them; rows before a refused one sorted); else 1,
     * or RS_SORTED_ZEROS where sort_rows_f64 put every -0.0 before every +0.0 of each row
     * (the engine then skips its pass that looks for a -0.0, row_sort.c).
     * NULL in a table that has none (the key transform and sort_u64 are used). */
#define RS_SORTED_ZEROS 2
    int (*sort_f64)(uint64_t *keys, size_t n, void *scratch);
    int (*sort_rows_f64)(uint64_t *keys, size_t rows, size_t n, void *scratch);
    /* The same for float32 rows; f32_native(n): whether rows of n keys sort faster through
     * them than through the key transform and sort_u32 (a property of the core). */
    int (*sort_f32)(uint32_t *keys, size_t n, void *scratch);
    int (*sort_rows_f32)(uint32_t *keys, size_t rows, size_t n, void *scratch);
    int (*f32_native)(size_t n);
    /* float32 rows as bit patterns sorted in place in the order of the ascending key
     * transform (keys.c: the negatives folded, RS_F32_ASC_NANS subtracted, no flip, not
     * canonical), the transform done in the registers by the row networks (or, for longer
     * rows, by the quicksort's first partition and its leaves): what encode_u32,
     * sort_rows_u32 and decode_u32 give, without their two passes. Returns 0 where it does
     * not take rows of n (the caller then takes that way), else 1. NULL in a table without. */
    int (*sort_rows_f32_asc)(uint32_t *keys, size_t rows, size_t n, void *scratch);
    /* One such row sorted from src[0..n) into dst[0..n) (no overlap, src unchanged): what a
     * copy and sort_rows_f32_asc give, the copy's pass saved (the first partition reads
     * src). Returns 0, nothing written, where it does not take rows of n (with scratch, a
     * property of n alone), else 1. NULL in a table without. */
    int (*sort_from_f32_asc)(const uint32_t *src, uint32_t *dst, size_t n, void *scratch);

    /* int32 / int64 values as bit patterns, sorted ascending as signed integers, in place:
     * keys[0..n), or each of `rows` rows of n as sort_rows_u32. NULL in a table that has
     * none (the key transform and sort_u32 / sort_u64 are used). */
    void (*sort_i32)(uint32_t *keys, size_t n, void *scratch);
    void (*sort_i64)(uint64_t *keys, size_t n, void *scratch);
    void (*sort_rows_i32)(uint32_t *keys, size_t rows, size_t n, void *scratch);
    void (*sort_rows_i64)(uint64_t *keys, size_t rows, size_t n, void *scratch);

    /* sort_i32, sort_i64, sort_f32 and sort_f64 of src[0..n) into dst[0..n) (no overlap;
     * src unchanged): what a copy and then the sort in place give, the copy's pass saved
     * (the first partition reads src). The float ones return 0, dst undefined, where
     * sort_f32 / sort_f64 would refuse the keys. NULL in a table that has none. */
    void (*sort_from_i32)(const uint32_t *src, uint32_t *dst, size_t n, void *scratch);
    void (*sort_from_i64)(const uint64_t *src, uint64_t *dst, size_t n, void *scratch);
    int (*sort_from_f32)(const uint32_t *src, uint32_t *dst, size_t n, void *scratch);
    int (*sort_from_f64)(const uint64_t *src, uint64_t *dst, size_t n, void *scratch);

    /* out[0..count) = the first count keys of the merge of the ascending runs a[0..na) and
     * b[0..nb) (count <= na + nb; out overlaps neither). NULL in a table: scalar code. */
    void (*merge_u32)(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t *out,
                      size_t count);
    void (*merge_u64)(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *out,
                      size_t count);

    /* The quicksort's in-place partition (a row split around pivots by a team,
     * engine/src/sched_pivot.c): moves the keys of keys[0..n) below p to the front and
     * returns their count; partition_u32 compares as unsigned, partition_i32 as signed
     * (NULL in a table without sort_i32), partition_f32 as float32 numbers (keys without
     * NaN; NULL in a table without sort_f32). f32_usable: whether sort_f32 would take
     * keys[0..n) (no NaN, MXCSR.DAZ clear); NULL with sort_f32. sort_f32_checked: sort_f32
     * for keys that f32_usable took on the calling thread (no check of its own).
     * partition_i64, partition_f64, f64_usable, sort_f64_checked: the same for 64-bit keys
     * (NULL in a table without sort_i64 / sort_f64); 64-bit keys are split as signed. */
    size_t (*partition_u32)(uint32_t *keys, size_t n, uint32_t p);
    size_t (*partition_i32)(uint32_t *keys, size_t n, uint32_t p);
    size_t (*partition_f32)(uint32_t *keys, size_t n, uint32_t p);
    int (*f32_usable)(const uint32_t *keys, size_t n);
    void (*sort_f32_checked)(uint32_t *keys, size_t n, void *scratch);
    size_t (*partition_i64)(uint64_t *keys, size_t n, uint64_t p);
    size_t (*partition_f64)(uint64_t *keys, size_t n, uint64_t p);
    int (*f64_usable)(const uint64_t *keys, size_t n);
    void (*sort_f64_checked)(uint64_t *keys, size_t n, void *scratch);

    /* dst[i] = encode(src[i]) / decode(src[i]) by the recipe; src may equal dst. NULL in a
     * table means: use the scalar table's entry. */
    void (*encode_u16)(const uint16_t *src, uint16_t *dst, size_t n, const rs_key_xform *x);
    void (*encode_u32)(const uint32_t *src, uint32_t *dst, size_t n, const rs_key_xform *x);
    void (*encode_u64)(const uint64_t *src, uint64_t *dst, size_t n, const rs_key_xform *x);
    void (*decode_u16)(const uint16_t *src, uint16_t *dst, size_t n, const rs_key_xform *x);
    void (*decode_u32)(const uint32_t *src, uint32_t *dst, size_t n, const rs_key_xform *x);
    void (*decode_u64)(const uint64_t *src, uint64_t *dst, size_t n, const rs_key_xform *x);
    /* Whether any of src[0..n) is a float zero or NaN, the float's infinity having the
     * magnitude inf_abs (stable float values, row_refill.c). NULL: the scalar table's. */
    int (*zero_or_nan_u16)(const uint16_t *src, size_t n, uint64_t inf_abs);
    int (*zero_or_nan_u32)(const uint32_t *src, size_t n, uint64_t inf_abs);
    int (*zero_or_nan_u64)(const uint64_t *src, size_t n, uint64_t inf_abs);
    /* Whether any of src[0..n) is the bits `key` (row_sort.c: a float -0.0). NULL: the scalar
     * table's. */
    int (*has_u32)(const uint32_t *src, size_t n, uint64_t key);
    int (*has_u64)(const uint64_t *src, size_t n, uint64_t key);

    /* Top-k's selection (engine/src/row_topk.c): moves the keys of keys[0..n) that are <= t
     * to keys[0..m) in input order, their positions to pos[0..m) (n < 2^32); returns m.
     * NULL in a table: the scalar table's entries. */
    size_t (*select_le_u16)(uint16_t *keys, size_t n, uint64_t t, uint32_t *pos);
    size_t (*select_le_u32)(uint32_t *keys, size_t n, uint64_t t, uint32_t *pos);
    size_t (*select_le_u64)(uint64_t *keys, size_t n, uint64_t t, uint32_t *pos);
} rs_kernel_table;

/* The portable path: always available. */
extern const rs_kernel_table rs_kernels_scalar;

#endif /* RS_KERNELS_H */
