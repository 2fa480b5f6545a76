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

typedef struct rs_kernel_table {
    const char *name; /* "scalar", "avx2", "avx512" */

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
} rs_kernel_table;

/* The portable path: always available. */
extern const rs_kernel_table rs_kernels_scalar;

#endif /* RS_KERNELS_H */
