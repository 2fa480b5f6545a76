/*
 * radix_tmpl.h - a stable LSD radix sort (8-bit digits) for one key width, with or without
 * an index carried along. Re-included by kern_scalar.c once per (key, index) combination:
 * no include guard.
 *
 * Inputs: RS_RADIX_FN (function name), RS_KEY_T, RS_KEY_BYTES, RS_IDX_T (omit for none).
 * Stable, so pairs passed with increasing idx end ordered by (key, idx) as kernels.h asks.
 * Passes whose digit is the same for every key are skipped (common for small ranges).
 */
#ifdef RS_IDX_T
#define RS_RADIX_IDX_PARAM , RS_IDX_T *idx
#else
#define RS_RADIX_IDX_PARAM
#endif

static void RS_RADIX_FN(RS_KEY_T *keys RS_RADIX_IDX_PARAM, size_t n, void *scratch)
{
    if (n < 2)
        return;
    if (n <= 32) { /* stable insertion sort: cheaper than histograms for tiny rows */
        for (size_t i = 1; i < n; i++) {
            const RS_KEY_T k = keys[i];
#ifdef RS_IDX_T
            const RS_IDX_T x = idx[i];
#endif
            size_t j = i;
            while (j > 0 && keys[j - 1] > k) {
                keys[j] = keys[j - 1];
#ifdef RS_IDX_T
                idx[j] = idx[j - 1];
#endif
                j--;
            }
            keys[j] = k;
#ifdef RS_IDX_T
            idx[j] = x;
#endif
        }
        return;
    }
    size_t counts[RS_KEY_BYTES][256];
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i < n; i++) {
        const RS_KEY_T k = keys[i];
        for (unsigned d = 0; d < RS_KEY_BYTES; d++)
            counts[d][(k >> (8 * d)) & 0xFF]++;
    }
    RS_KEY_T *key_buf = scratch;
#ifdef RS_IDX_T
    /* The index buffer starts at the next 64-byte boundary after the keys: 16-bit keys and
     * an odd n would misalign it (RS_KERNEL_SCRATCH_BYTES leaves room for the rounding). */
    const size_t idx_offset = (n * sizeof(RS_KEY_T) + 63u) & ~(size_t)63u;
    RS_IDX_T *idx_buf = (RS_IDX_T *)(void *)((unsigned char *)scratch + idx_offset);
#endif
    RS_KEY_T *src_k = keys, *dst_k = key_buf;
#ifdef RS_IDX_T
    RS_IDX_T *src_i = idx, *dst_i = idx_buf;
#endif
    for (unsigned d = 0; d < RS_KEY_BYTES; d++) {
        size_t *c = counts[d];
        if (c[(src_k[0] >> (8 * d)) & 0xFF] == n)
            continue; /* every key has this digit: the pass would not move anything */
        size_t sum = 0;
        for (unsigned b = 0; b < 256; b++) {
            const size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            const size_t pos = c[(src_k[i] >> (8 * d)) & 0xFF]++;
            dst_k[pos] = src_k[i];
#ifdef RS_IDX_T
            dst_i[pos] = src_i[i];
#endif
        }
        RS_KEY_T *tk = src_k;
        src_k = dst_k;
        dst_k = tk;
#ifdef RS_IDX_T
        RS_IDX_T *ti = src_i;
        src_i = dst_i;
        dst_i = ti;
#endif
    }
    if (src_k != keys) {
        memcpy(keys, src_k, n * sizeof(RS_KEY_T));
#ifdef RS_IDX_T
        memcpy(idx, src_i, n * sizeof(RS_IDX_T));
#endif
    }
}

#undef RS_RADIX_IDX_PARAM
#undef RS_RADIX_FN
#undef RS_KEY_T
#undef RS_KEY_BYTES
#ifdef RS_IDX_T
#undef RS_IDX_T
#endif
