/*
 * select_tmpl.h - top-k's selection entry of a kernel table (engine/src/row_topk.c): the
 * keys at or below a threshold moved to the front in input order, their positions beside
 * them. Plain loops that the compiler vectorizes with the including file's ISA flags: a
 * block of keys is tested at once and read key by key only when one of them passes, which
 * at top-k's thresholds (a few times k of n keys) is rare. Re-included per key width: no
 * include guard. Inputs: RS_SELECT_T (uint16_t, uint32_t, uint64_t), RS_SELECT_FN,
 * RS_SELECT_POS_T (the positions' type; uint32_t when not defined); and,
 * where the kernel file has a vector compare that gives a bit mask, RS_SELECT_LANES and
 * RS_SELECT_MASK(p, t) (bit j set where p[j] <= t, for RS_SELECT_LANES keys at p): then
 * each vector is tested with one compare and only its set bits are visited (the loop
 * above measured slower: GCC reduces a block's compares to one flag through shuffles).
 */

/* Keys tested at once: two AVX-512 vectors of 32-bit keys. */
#define RS_SELECT_BLOCK 32

#ifndef RS_SELECT_POS_T
#define RS_SELECT_POS_T uint32_t
#endif

/* Moves the keys of keys[0..n) that are <= t to keys[0..m) in input order, their positions
 * to pos[0..m) (n fits in RS_SELECT_POS_T); returns m. */
static size_t RS_SELECT_FN(RS_SELECT_T *keys, size_t n, uint64_t t64, RS_SELECT_POS_T *pos)
{
    const RS_SELECT_T t = (RS_SELECT_T)t64;
    size_t m = 0, i = 0;
#ifdef RS_SELECT_MASK
    /* Writes go to m <= i + j, keys already read (or the key itself). */
    for (; i + RS_SELECT_LANES <= n; i += RS_SELECT_LANES)
        for (uint64_t mask = RS_SELECT_MASK(keys + i, t); mask != 0; mask &= mask - 1) {
            const size_t j = i + (size_t)__builtin_ctzll(mask);
            keys[m] = keys[j];
            pos[m++] = (RS_SELECT_POS_T)j;
        }
#endif
    for (;;) {
        /* the next block that holds a passing key (whole blocks only) */
        for (; i + RS_SELECT_BLOCK <= n; i += RS_SELECT_BLOCK) {
            unsigned any = 0;
            for (size_t j = 0; j < RS_SELECT_BLOCK; j++)
                any |= keys[i + j] <= t;
            if (any)
                break;
        }
        const size_t end = i + RS_SELECT_BLOCK <= n ? i + RS_SELECT_BLOCK : n;
        if (i >= end)
            return m;
        /* Every key written, the count moved by the compare: no branch per key. Writes go
         * to m <= i + j, keys already read. */
        for (size_t j = i; j < end; j++) {
            const RS_SELECT_T x = keys[j];
            keys[m] = x;
            pos[m] = (RS_SELECT_POS_T)j;
            m += x <= t;
        }
        i = end;
    }
}

#undef RS_SELECT_BLOCK
#undef RS_SELECT_T
#undef RS_SELECT_FN
#undef RS_SELECT_POS_T
#undef RS_SELECT_LANES
#undef RS_SELECT_MASK
