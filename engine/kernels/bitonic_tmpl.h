/*
 * bitonic_tmpl.h - sorting networks and the vectorized quicksort, written once over the
 * vector vocabulary (vec_<isa>.h) and re-included per ISA and key width.
 *
 * Before each inclusion define RS_ISA (avx2, avx512) and RS_BITS (16 where the vocabulary
 * has 16-bit lanes, 32, 64). Defines static
 * functions named rs_<isa>_u<bits>_<x>, among them
 *   RS_NAME(sort)(keys, n, scratch, inplace_min_bytes): sort keys[0..n) ascending (scratch
 *     of n keys or NULL; no allocation).
 *   RS_NAME(sort_rows)(keys, rows, n, scratch, inplace_min_bytes): each row of a batch.
 *   RS_NAME(small)(keys, n): the same for n <= RS_NAME(BLOCK) (one network, no branches on
 *     the data).
 * With RS_ROWS_ONLY defined, only the networks and sort_rows for rows of n <= BLOCK keys
 * (no quicksort): for vocabularies whose loads and stores transform the keys (vxf32).
 * No include guard: this file is meant to be included many times; it #undefs its macros.
 *
 * The networks are bitonic sorts with the "mirror" first step (compare i with the mirrored
 * partner in each block), so that every compare-exchange puts the minimum at the lower
 * position: no direction bits. A block of R registers (R a power of two) is sorted by
 * sorting each register (sort_in), then merging blocks of 2, 4, .. R registers: mirror step
 * across registers (one of them reversed), half-cleaners across registers, and the last
 * log2(N) half-cleaners inside each register (merge_in). Short inputs are padded with the
 * largest key and only n keys are stored. Where the vocabulary has a transpose (swapbit)
 * and R >= VN, net_t sorts the same blocks with the position bits laid out the other way
 * round (columns first, min/max only), about a third fewer operations for a full block.
 * Batches of short rows (sort_rows) go one row per lane where that measures faster: VN rows
 * are transposed into one register per key position, sorted by an odd-even merge network
 * of min/max only (networks.h), and transposed back.
 *
 * Longer inputs: quicksort (as x86-simd-sort and vqsort): pivot = median of samples,
 * partition one vector at a time (compress or table permute), recursion on the smaller
 * side, heapsort after too many levels (O(n log n) worst case), the network below
 * RS_NAME(BLOCK) keys. With scratch, parts of INPLACE_MIN_BYTES or more are partitioned in
 * place (memory-bound passes: less traffic), smaller ones out of place into the scratch.
 * Runs of keys equal to the pivot are split off at once, so inputs with few distinct keys
 * cost O(n log distinct).
 */

#include "networks.h"

/* The vocabulary's name for these keys: RS_VTAG where the kernel file defines one (f64: the
 * bit patterns of float64 numbers compared as numbers, vec_avx512.h), else the width; and
 * the key just above p (p below the largest key): RS_KEY_SUCC where defined, else p + 1. */
#ifndef RS_VTAG
#define RS_VTAG RS_BITS
#endif
#ifdef RS_KEY_SUCC
#define KSUCC(p) RS_KEY_SUCC(p)
#else
#define KSUCC(p) ((KT)((p) + 1u))
#endif
#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define RS_NAME(x)    RS_CAT(RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _u), RS_VTAG), RS_CAT(_, x))
#define RS_V(op)      RS_CAT(RS_CAT(RS_CAT(v, RS_VTAG), _), op)
#define VT            RS_CAT(RS_CAT(v, RS_VTAG), _t)
#define KT            RS_CAT(RS_CAT(k, RS_VTAG), _t)
#define VN            RS_CAT(RS_CAT(V, RS_VTAG), _N)
#define KLT(a, b)     RS_V(klt)(a, b)
/* Vocabularies whose stores decode the keys (V<tag>_DEC_STORES: vdf32, vec_avx512.h): the
 * quicksort's keys are encoded in memory but at its two ends, where sort_enc's first
 * partition encodes them as it reads them (ENC_V, ENC_K) and the leaves' networks decode them
 * as they store them; the keys that other paths leave in place are decoded by FINISH, one
 * leaf key by KFIN. STORE_KEYS stores a vector as it is. Elsewhere all are no-ops. */
#if RS_CAT(RS_CAT(V, RS_VTAG), _DEC_STORES) + 0
#define DEC_STORES        1
#define ENC_V(v, enc)     ((enc) ? RS_V(enc)(v) : (v))
#define ENC_K(k, enc)     ((enc) ? RS_V(kenc)(k) : (k))
#define KFIN(k)           RS_V(kdec)(k)
#define STORE_KEYS(p, v)  RS_V(storeu_keys)((p), (v))
#define FINISH(p, n)      RS_NAME(decode_range)((p), (n))
#else
#define DEC_STORES        0
#define ENC_V(v, enc)     ((void)(enc), (v))
#define ENC_K(k, enc)     ((void)(enc), (k))
#define KFIN(k)           (k)
#define STORE_KEYS(p, v)  RS_V(storeu)((p), (v))
#define FINISH(p, n)      ((void)(p), (void)(n))
#endif
/* log2 of the keys per vector, as a constant loop bound (GCC unrolls only counted loops). */
#define LOG2_VN (VN == 32 ? 5 : VN == 16 ? 4 : VN == 8 ? 3 : VN == 4 ? 2 : 1)
/* Registers in the largest network: 16 vectors unless the kernel file asks for another
 * count (AVX-512: 32, its whole register file; a few temporaries spill, but a partition
 * pass over the leaf goes). */
#ifdef RS_NREGS_MAX
#define NREGS_MAX RS_NREGS_MAX
#else
#define NREGS_MAX 16
#endif
/* Batches of rows of n <= 64 keys for which the column networks (cols) measured faster than
 * one bitonic network per row (Zen 4, 2^22 keys per batch, both key widths): with 32
 * registers, every n but 33..48 (there the 64-input network on padded rows is no faster
 * on Zen 4; on an Intel Xeon 2-3% slower for 32-bit keys, but 20-30% faster for 64-bit
 * ones: 40 keys 1.78 -> 1.44 ns/key, 48 keys 1.80 -> 1.25, so 64-bit rows take it too, and
 * 16-bit ones, 32 rows at a time: 40 and 48 keys 1.2x on the Xeon; not measured on Zen 4);
 * with 16, n in 5..32 (beyond, the networks spill; rows of 4 padded to 8 cost more), and
 * the longest rows up to 64 through cols64_staged, which keeps few registers live. */
#if RS_VREGS >= 32
/* (cols64_staged on these 64-bit networks, Zen 4, against the 64-input network: int64
 * rows of 40 keys 1.27x, 48 1.04x, 64 0.77x; float64 0.87-0.97x. Not taken.) */
#define COLS_STAGED 0
#define COLS_USE(n) ((n) <= 32 || (((n) > 48 || RS_BITS != 32) && (n) <= 64))
#else
/* Rows of 49..64 32-bit keys and 48..64 64-bit ones take cols64_staged; against net_t,
 * Zen 4, AVX2, one thread, 65536 rows (32768 of 64-bit keys), both ways round: int32 64
 * keys 1.08-1.13x, 56 1.08x, 48 1.04x, 40 1.07x, 33 1.00x; float32 (vxf32) 64 1.09x, 56
 * 1.04x, 48 and 40 0.98-1.00x, 33 0.91x; int64 64 1.12x, 48 1.09x, 40 0.91x; float64 64
 * 1.06x, 48 1.20x, 40 1.07x. */
#ifndef RS_COLS_STAGED_MIN
#define RS_COLS_STAGED_MIN (RS_BITS == 64 ? 48 : 49)
#endif
#define COLS_STAGED (VN <= 8)
#define COLS_USE(n) (((n) > 4 && (n) <= 32) || (COLS_STAGED && (n) >= RS_COLS_STAGED_MIN && (n) <= 64))
#endif
/* Rows of 3 or 4 registers sorted together: as many as the register file holds. */
#define ROWS4 (RS_VREGS >= 32 ? 4 : 2)
/* Vectors partitioned per step of the main partition loop. */
#ifndef RS_PART_UNROLL
#define UNROLL 4
#else
#define UNROLL RS_PART_UNROLL
#endif

/* 32-bit leaves of 17 to 24 registers (small2, networks of 32): sorted as 16 registers and
 * the rest, then merged by the last level of the 32-register network, instead of one
 * network padded to 32 registers, which cost about as much as a full one (Intel Xeon,
 * uint32 rows alone: 257 keys 1.40 -> 0.99 ns/key, 288 1.25 -> 0.92, 320 1.15 -> 0.91,
 * 352 1.05 -> 0.98, 384 0.99 -> 0.97). In the quicksort, where leaves are those of the
 * vocabularies with the compare-and-blend mix (integer keys): int32 8x8192 1.02-1.04x,
 * 1024x1024 1.02x, 64x65536 1.01x; float32 (min/max on two ports, a cheaper network)
 * measured 1-1.5% slower on 8x8192 and 8x4097 and keeps the padded network.
 * RS_SPLIT_LEAF_MAX (0: never) is for experiments. */
#ifndef RS_SPLIT_LEAF_MAX
#define RS_SPLIT_LEAF_MAX 24
#endif
#if RS_BITS == 32 && RS_CAT(RS_CAT(V, RS_VTAG), _CX_BLEND) + 0
#define SPLIT_LEAF(NR) ((NR) <= RS_SPLIT_LEAF_MAX)
#else
#define SPLIT_LEAF(NR) 0
#endif

enum { RS_NAME(BLOCK) = VN * NREGS_MAX };
/* pivot samples whole vectors in thirds or ninths of ranges longer than BLOCK. */
_Static_assert(NREGS_MAX >= 8, "pivot needs ranges of more than 8 vectors");

/* log2 of a register count (a power of two up to 64) as a constant expression: the network
 * loops count levels and half-cleaner distances with it, since GCC unrolls completely only
 * loops whose trip count it can compute. With d /= 2 loops it unrolled 3 times at run time
 * and v[] lived on the stack: counted, the AVX-512 networks keep every register (no spill
 * left) and sort 4-9% faster per key (Intel Xeon, 32- and 64-bit keys; 28% for 128-key
 * float64 rows). A kernel file defines RS_NET_ROLLED for the old loops where they measured
 * faster: AVX2's 32-bit networks, whose 16 registers spill either way (the rolled loops
 * are a fraction of the code; counted, 4-10% slower). */
#define LOG2(x) ((x) >= 64 ? 6 : (x) >= 32 ? 5 : (x) >= 16 ? 4 : (x) >= 8 ? 3 : (x) >= 4 ? 2 : (x) >= 2 ? 1 : 0)

/* Compare-exchange of registers x and y (minimum to x) in a network. Where the vocabulary
 * has a compare-and-blend one (V<tag>_CX_BLEND: AVX-512 integer keys), ALT of every EVERY
 * compare-exchanges (by i, a constant at each call: RS_CX_MIX = EVERY, ALT) take it instead
 * of min and max: on Intel cores 512-bit integer min/max run on port 0 only, the compare
 * on port 5 and the blends on either, and the networks had port 0 busy with min/max
 * (13000 of them in the 32-bit leaf code against 4600 shuffles on port 5). On an Intel
 * Xeon (model 167), 2 of 5 against none: 8x8192 int32 1.13-1.14x, 1024x1024 1.18x, rows
 * of 256 1.16x; int64 rows of 100 1.11x, of 256 1.14x; 1 of 3 and 3 of 7 measured close,
 * 1 of 4 or 6 half the gain; 16-bit keys 1.02-1.03x (their shuffles keep port 5 busier).
 * 64-bit networks (8 lanes, fewer shuffles) take 2 of 3: against 2 of 5, 8x8192 int64
 * 1.03x, rows of 100 1.04x, 32-bit argsort 1.02-1.03x (1 of 2 and 3 of 4 less). The column
 * networks (cols) keep 2 of 5 for every width (RS_CX_MIX64 / RS_CX_MIX: experiments).
 * Float keys keep vminps/vminpd (ports 0 and 5). A kernel file sets its own mix of the 16-
 * and 32-bit networks that follow with RS_NET_MIX_OWN (kern_avx512.c: Zen 4's, 1, 0). */
#if RS_CAT(RS_CAT(V, RS_VTAG), _CX_BLEND) + 0
#if defined(RS_CX_MIX64) && RS_BITS == 64
#define NET_MIX RS_CX_MIX64
#elif defined(RS_CX_MIX)
#define NET_MIX RS_CX_MIX
#elif defined(RS_NET_MIX_OWN) && RS_BITS != 64
#define NET_MIX RS_NET_MIX_OWN
#elif RS_BITS == 64
#define NET_MIX 3, 2
#else
#define NET_MIX 5, 2
#endif
#define NET_CX_(x, y, i, every, alt)                                                        \
    do {                                                                                    \
        if ((i) % (every) < (alt)) {                                                        \
            RS_V(cx_blend)(&(x), &(y));                                                     \
        } else {                                                                            \
            const VT a_ = (x), b_ = (y);                                                    \
            (x) = RS_V(min)(a_, b_);                                                        \
            (y) = RS_V(max)(a_, b_);                                                        \
        }                                                                                   \
    } while (0)
#else
#define NET_MIX 1, 0
#define NET_CX_(x, y, i, every, alt)                                                        \
    do {                                                                                    \
        const VT a_ = (x), b_ = (y);                                                        \
        (x) = RS_V(min)(a_, b_);                                                            \
        (y) = RS_V(max)(a_, b_);                                                            \
    } while (0)
#endif
#define NET_CX_X(x, y, i, ...) NET_CX_(x, y, i, __VA_ARGS__)
#define NET_CX(x, y, i)        NET_CX_X(x, y, i, NET_MIX)

/* Sorts C independent sequences of R registers each (sequence c in v[c * R .. c * R + R)),
 * each of R * VN keys (register 0 first), of which registers NR .. R-1 are padding (every
 * lane the largest key). R, NR and C are constants at every call, so the loops unroll, v[]
 * lives in registers, and every compare-exchange that involves a padding register (a no-op:
 * padding is already largest and last) is left out. The C sequences are interleaved step by
 * step, so that short rows sorted together overlap their latency chains (net_c, below).
 * net_level is its merge level lb: blocks of 2^(lb-1) sorted registers merged in pairs. */
RS_VINLINE void RS_NAME(net_level)(VT *v, const int R, const int NR, const int C, const int lb)
{
    const int B = 1 << lb;
#pragma GCC unroll 32
    for (int blk = 0; blk < R; blk += B) {
#pragma GCC unroll 8
        for (int r = 0; r < B / 2; r++) {
            if (blk + B - 1 - r >= NR)
                continue;
#pragma GCC unroll 4
            for (int c = 0; c < C; c++) {
                VT *w = v + c * R;
                VT a = w[blk + r];
                VT b = RS_V(rev)(w[blk + B - 1 - r]);
                NET_CX(a, b, c * R / 2 + blk / 2 + r);
                w[blk + r] = a;
                w[blk + B - 1 - r] = RS_V(rev)(b);
            }
        }
    }
#pragma GCC unroll 4
#ifndef RS_NET_ROLLED
    for (int s = lb - 2; s >= 0; s--) {
        const int d = 1 << s;
#else
    for (int d = B / 4; d >= 1; d /= 2) {
#endif
#pragma GCC unroll 32
        for (int r = 0; r < R; r++) {
            if ((r & d) == 0 && r + d < NR) {
#pragma GCC unroll 4
                for (int c = 0; c < C; c++) {
                    VT *w = v + c * R;
                    NET_CX(w[r], w[r + d], c * R + r);
                }
            }
        }
    }
#pragma GCC unroll 32
    for (int r = 0; r < NR; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++)
            v[c * R + r] = RS_V(merge_in)(v[c * R + r]);
}

RS_VINLINE void RS_NAME(net_c)(VT *v, const int R, const int NR, const int C)
{
#pragma GCC unroll 32
    for (int r = 0; r < NR; r++)
#pragma GCC unroll 4
        for (int c = 0; c < C; c++)
            v[c * R + r] = RS_V(sort_in)(v[c * R + r]);
    const int log2_r = LOG2(R);
#pragma GCC unroll 6
    for (int lb = 1; lb <= log2_r; lb++)
        RS_NAME(net_level)(v, R, NR, C, lb);
}

RS_VINLINE void RS_NAME(net)(VT *v, const int R, const int NR)
{
    RS_NAME(net_c)(v, R, NR, 1);
}

/* Loads n keys, (NR - G) * VN < n <= NR * VN, into v[0..NR): the last G registers with
 * counts known at run time (a register past n is all padding), v[NR..R) padding. G > 1
 * lets one network serve G register counts (small2): fewer instances, less code. */
RS_VINLINE void RS_NAME(load_regs)(const KT *src, size_t n, VT *v, const int R, const int NR,
                                   const int G)
{
#pragma GCC unroll 32
    for (int r = 0; r < NR - G; r++)
        v[r] = RS_V(loadu)(src + (size_t)r * VN);
#pragma GCC unroll 8
    for (int r = NR - G; r < NR; r++) {
        const size_t at = (size_t)r * VN;
        const size_t cnt = n > at ? (n - at < VN ? n - at : VN) : 0;
        v[r] = cnt == VN ? RS_V(loadu)(src + at) : RS_V(load_pad)(src + at, cnt);
    }
#pragma GCC unroll 32
    for (int r = NR; r < R; r++)
        v[r] = RS_V(set1)(RS_CAT(RS_CAT(K, RS_VTAG), _MAX));
}

#if (RS_BITS == 32 && defined(V32_TRANSPOSE)) || (RS_BITS == 64 && defined(V64_TRANSPOSE))
#define HAVE_NET_T 1
#endif
/* The column sorts of batches of short rows (cols) need only swapbit: 16-bit keys have
 * them where the vocabulary says so (V16_COLS), without the transposed networks. */
#if defined(HAVE_NET_T) || (RS_BITS == 16 && defined(V16_COLS))
#define HAVE_COLS 1
/* Transposes each VN x VN block of v[0..R) (R a multiple of VN): lane bit s of register r
 * trades places with bit s of r, one swapbit (a shuffle per register) per lane bit. Block
 * by block: with 64 registers (cols), fewer of them are live at once, fewer spills (18%
 * faster than lane bit by lane bit over all registers). The bound check only matters in
 * the R < VN instances that the callers' constant conditions drop. */
RS_VINLINE void RS_NAME(swap_lane_bits)(VT *v, const int R)
{
#if RS_CAT(RS_CAT(V, RS_VTAG), _HAS_TRANSPOSE) + 0
    if (R >= VN) {
#pragma GCC unroll 8
        for (int b = 0; b < R; b += VN)
            RS_V(transpose)(v + b);
        return;
    }
#endif
#pragma GCC unroll 8
    for (int b = 0; b < R; b += VN)
#pragma GCC unroll 4
        for (int s = 0; s < LOG2_VN; s++)
#pragma GCC unroll 16
            for (int i = 0; i < VN; i++)
                if ((i >> s & 1) == 0 && b + (i | 1 << s) < R)
                    RS_V(swapbit)(&v[b + i], &v[b + (i | 1 << s)], s);
}
#endif
#ifdef HAVE_NET_T

/* The same sort as net for R >= VN registers (both powers of two), with fewer shuffles.
 * The sorted position of the key in lane l of register r is l * R + r (lane bits high)
 * until the end, so that the first log2(R) merge levels compare whole registers (min/max
 * only: the columns get sorted, padding registers NR.. left out), and each later level
 * has log2(R) half-cleaners across registers and fewer inside them. Then swapbit (one
 * shuffle per register and lane bit) moves the low position bits into the lanes:
 * register r holds the sorted keys [VN * chunk_t(R, r), + VN). About two thirds of the
 * operations of net for a full block; every register takes part after the column sort. */
#define CHUNK_T(R, r) (((r) >> LOG2(VN)) | (((r) & (VN - 1)) << (LOG2(R) - LOG2(VN))))
RS_VINLINE void RS_NAME(net_t)(VT *v, const int R, const int NR)
{
    const int log2_r = LOG2(R);
#pragma GCC unroll 6
    for (int lb = 1; lb <= log2_r; lb++) {
        const int B = 1 << lb;
#pragma GCC unroll 32
        for (int blk = 0; blk < R; blk += B) {
#pragma GCC unroll 16
            for (int r = 0; r < B / 2; r++) {
                if (blk + B - 1 - r >= NR)
                    continue;
                NET_CX(v[blk + r], v[blk + B - 1 - r], blk / 2 + r);
            }
        }
#pragma GCC unroll 4
#ifndef RS_NET_ROLLED
        for (int s = lb - 2; s >= 0; s--) {
            const int d = 1 << s;
#else
        for (int d = B / 4; d >= 1; d /= 2) {
#endif
#pragma GCC unroll 32
            for (int r = 0; r < R; r++) {
                if ((r & d) == 0 && r + d < NR)
                    NET_CX(v[r], v[r + d], r);
            }
        }
    }
#pragma GCC unroll 4
    for (int j = 1; j <= LOG2_VN; j++) {
#pragma GCC unroll 16
        for (int r = 0; r < R / 2; r++)
            RS_V(mirror_dir)(&v[r], &v[R - 1 - r], j);
#pragma GCC unroll 4
        for (int b = j - 2; b >= 0; b--) {
#pragma GCC unroll 32
            for (int r = 0; r < R; r++)
                v[r] = RS_V(hc_lane)(v[r], b);
        }
#pragma GCC unroll 8
#ifndef RS_NET_ROLLED
        for (int s = log2_r - 1; s >= 0; s--) {
            const int d = 1 << s;
#else
        for (int d = R / 2; d >= 1; d /= 2) {
#endif
#pragma GCC unroll 32
            for (int r = 0; r < R; r++) {
                if ((r & d) == 0)
                    NET_CX(v[r], v[r + d], r);
            }
        }
    }
    RS_NAME(swap_lane_bits)(v, R);
}

/* net_pad2 over net_t: R registers, NR of them loaded (the last G as load_regs). */
RS_VINLINE void RS_NAME(net_t_pad2)(const KT *src, KT *dst, size_t n, const int R, const int NR,
                                    const int G)
{
    VT v[NREGS_MAX];
    RS_NAME(load_regs)(src, n, v, R, NR, G);
    RS_NAME(net_t)(v, R, NR);
    /* Every register holds sorted keys now; those past n are the padding. */
    const size_t full = n / VN;
#pragma GCC unroll 32
    for (int r = 0; r < R; r++) {
        const size_t c = (size_t)CHUNK_T(R, r);
        if (c < full)
            RS_V(storeu)(dst + c * VN, v[r]);
        else if (c == full && n % VN != 0)
            RS_V(store_part)(dst + c * VN, v[r], n % VN);
    }
}
#endif

/* C rows of n keys each (row c at keys + c * n), NR registers per row, sorted together. */
RS_VINLINE void RS_NAME(net_rows)(KT *keys, size_t n, const int R, const int NR, const int C)
{
    VT v[4 * NREGS_MAX];
    const size_t tail = n - (size_t)(NR - 1) * VN;
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) {
        const KT *src = keys + (size_t)c * n;
#pragma GCC unroll 32
        for (int r = 0; r < NR - 1; r++)
            v[c * R + r] = RS_V(loadu)(src + (size_t)r * VN);
        /* Masked loads and stores cost more than whole ones (more so across cache lines). */
        v[c * R + NR - 1] = tail == VN ? RS_V(loadu)(src + (size_t)(NR - 1) * VN)
                                       : RS_V(load_pad)(src + (size_t)(NR - 1) * VN, tail);
    }
    RS_NAME(net_c)(v, R, NR, C);
#pragma GCC unroll 4
    for (int c = 0; c < C; c++) {
        KT *dst = keys + (size_t)c * n;
#pragma GCC unroll 32
        for (int r = 0; r < NR - 1; r++)
            RS_V(storeu)(dst + (size_t)r * VN, v[c * R + r]);
        if (tail == VN)
            RS_V(storeu)(dst + (size_t)(NR - 1) * VN, v[c * R + NR - 1]);
        else
            RS_V(store_part)(dst + (size_t)(NR - 1) * VN, v[c * R + NR - 1], tail);
    }
}

/* NR registers hold n keys, (NR - G) * VN < n <= NR * VN (load_regs), in a network of
 * R >= NR. */
RS_VINLINE void RS_NAME(net_pad2)(const KT *src, KT *dst, size_t n, const int R, const int NR,
                                  const int G)
{
    VT v[NREGS_MAX];
    RS_NAME(load_regs)(src, n, v, R, NR, G);
    RS_NAME(net)(v, R, NR);
#pragma GCC unroll 32
    for (int r = 0; r < NR - G; r++)
        RS_V(storeu)(dst + (size_t)r * VN, v[r]);
#pragma GCC unroll 8
    for (int r = NR - G; r < NR; r++) {
        const size_t at = (size_t)r * VN;
        if (n > at)
            RS_V(store_part)(dst + at, v[r], n - at < VN ? n - at : VN);
    }
}

/* keys[0..n), (NR - G) * VN < n <= NR * VN, whose first R / 2 registers' worth and the
 * rest are each sorted: the last merge level of a network of R registers sorts them. */
RS_VINLINE void RS_NAME(merge_pad2)(KT *keys, size_t n, const int R, const int NR, const int G)
{
    VT v[NREGS_MAX];
    RS_NAME(load_regs)(keys, n, v, R, NR, G);
    RS_NAME(net_level)(v, R, NR, 1, LOG2(R));
#pragma GCC unroll 32
    for (int r = 0; r < NR - G; r++)
        RS_V(storeu)(keys + (size_t)r * VN, v[r]);
#pragma GCC unroll 8
    for (int r = NR - G; r < NR; r++) {
        const size_t at = (size_t)r * VN;
        if (n > at)
            RS_V(store_part)(keys + at, v[r], n - at < VN ? n - at : VN);
    }
}

RS_VINLINE void RS_NAME(net_pad)(KT *keys, size_t n, const int R, const int NR)
{
    RS_NAME(net_pad2)(keys, keys, n, R, NR, 1);
}

/* NR registers in a network of R: net_t where the vocabulary has it, R >= VN and the
 * network is full enough (net_t sorts every register after the column sort, net leaves
 * padding registers out): from 5/8 of the registers for 32-bit keys, 3/4 + 1 for 64-bit
 * (fewer lane bits to save on). Measured per register count on Zen 4, both ISAs. A kernel
 * file may set its own for 64-bit keys (RS_NET_T_MIN64). */
#ifdef RS_NET_T_MIN64
#define NET_T_MIN(R) (RS_BITS == 32 ? 5 * (R) / 8 : RS_NET_T_MIN64(R))
#else
#define NET_T_MIN(R) (RS_BITS == 32 ? 5 * (R) / 8 : 3 * (R) / 4 + 1)
#endif
#ifdef HAVE_NET_T
#define NETG(R, k, G)                                                                       \
    ((R) >= VN && (k) >= NET_T_MIN(R) ? RS_NAME(net_t_pad2)(src, dst, n, (R), (k), (G))     \
                                      : RS_NAME(net_pad2)(src, dst, n, (R), (k), (G)))
#else
#define NETG(R, k, G) RS_NAME(net_pad2)(src, dst, n, (R), (k), (G))
#endif
#define NETR(R, k) NETG(R, k, 1)

static void RS_NAME(small2)(const KT *src, KT *dst, size_t n);
#ifndef RS_ROWS_ONLY
static void RS_NAME(leaf2)(const KT *src, KT *dst, size_t n);
#endif

#if NREGS_MAX > 16
/* n keys, 16 < (n + VN - 1) / VN <= NR <= 32, NR - 4 < (n + VN - 1) / VN (SPLIT_LEAF): the
 * first 16 registers' worth and the rest sorted on their own (by small2, or by leaf2 for a
 * leaf), then merged by the 32-register network's last level. */
RS_VINLINE void RS_NAME(small2_split)(const KT *src, KT *dst, size_t n, const int NR,
                                      const int leaf)
{
#ifndef RS_ROWS_ONLY
    if (leaf) {
        RS_NAME(leaf2)(src, dst, 16 * VN);
        RS_NAME(leaf2)(src + 16 * VN, dst + 16 * VN, n - 16 * VN);
    } else
#endif
    {
        (void)leaf;
        RS_NAME(small2)(src, dst, 16 * VN);
        RS_NAME(small2)(src + 16 * VN, dst + 16 * VN, n - 16 * VN);
    }
    RS_NAME(merge_pad2)(dst, n, 32, NR, 4);
}
#endif

/* n <= BLOCK: one network of the smallest power-of-two register count that holds n; the
 * keys come from src and go to dst (which may be src). Rows of one length (sort_rows, or a
 * row of n <= BLOCK alone; leaf 0): a network per 1-4 register counts, no more work than
 * the length needs. The quicksort's leaves (leaf 1): see leaf2. */
RS_VINLINE void RS_NAME(small2_body)(const KT *src, KT *dst, size_t n, const int leaf)
{
    if (n <= 1) {
        if (n == 1)
            dst[0] = KFIN(src[0]);
        return;
    }
    const size_t regs = (n + VN - 1) / VN;
#if NREGS_MAX > 8 && !defined(RS_ROWS_ONLY)
    if (leaf && regs > 8) {
        if (regs <= 12) {
            NETG(16, 12, 4);
        } else if (regs <= 16) {
            NETG(16, 16, 4);
#if NREGS_MAX > 16
        } else if (regs <= 20 && SPLIT_LEAF(20)) {
            RS_NAME(small2_split)(src, dst, n, 20, 1);
        } else if (regs <= 24 && SPLIT_LEAF(24)) {
            RS_NAME(small2_split)(src, dst, n, 24, 1);
        } else if (regs <= 20 && RS_BITS != 32) {
            NETG(32, 20, 4);
        } else if (regs <= 24) {
            NETG(32, 24, RS_BITS == 32 ? 8 : 4); /* 32-bit keys: 17..24 as one */
        } else if (regs <= 28) {
            NETG(32, 28, 4);
        } else {
            NETG(32, 32, 4);
#endif
        }
        return;
    }
#else
    (void)leaf;
#endif
    switch (regs) {
    case 1:
        RS_V(store_part)(dst, RS_V(sort_in)(RS_V(load_pad)(src, n)), n);
        return;
    case 2:
        NETR(2, 2);
        return;
    case 3:
        NETR(4, 3);
        return;
    case 4:
        NETR(4, 4);
        return;
    case 5:
        NETR(8, 5);
        return;
    case 6:
        NETR(8, 6);
        return;
    case 7:
        NETR(8, 7);
        return;
#if NREGS_MAX <= 8
    default:
        NETR(8, 8);
        return;
#else
    case 8:
        NETR(8, 8);
        return;
    /* From 9 registers, one network serves 1-4 neighbouring register counts: a network of
     * 16 or 32 registers fully unrolled is large code, and one per count made kern_avx512.c
     * take 92 s to build (over 10 minutes under the sanitizers); grouped, 42 s. The cost
     * (Intel Xeon): rows in cache unchanged within noise, except some lengths: 150 64-bit
     * keys 4-7% slower. A group does not straddle NET_T_MIN (net leaves padding registers
     * out, net_t does not). */
#if RS_BITS == 32
    case 9:
        NETG(16, 9, 1);
        return;
    case 10:
        NETG(16, 10, 1);
        return;
#else
    case 9:
    case 10:
        NETG(16, 10, 2);
        return;
#endif
    case 11:
    case 12:
        NETG(16, 12, 2);
        return;
    case 13:
    case 14:
        NETG(16, 14, 2);
        return;
    case 15:
    case 16:
        NETG(16, 16, 2);
        return;
#if NREGS_MAX > 16
#if RS_BITS == 32
    case 17:
    case 18:
    case 19:
    case 20:
        if (SPLIT_LEAF(20)) {
            RS_NAME(small2_split)(src, dst, n, 20, 0);
        } else if ((n + VN - 1) / VN <= 19) {
            NETG(32, 19, 3);
        } else {
            NETG(32, 22, 3);
        }
        return;
    case 21:
    case 22:
    case 23:
    case 24:
        if (SPLIT_LEAF(24)) {
            RS_NAME(small2_split)(src, dst, n, 24, 0);
        } else if ((n + VN - 1) / VN <= 22) {
            NETG(32, 22, 3);
        } else {
            NETG(32, 25, 3);
        }
        return;
    case 25:
        NETG(32, 25, 3);
        return;
    case 26:
    case 27:
    case 28:
        NETG(32, 28, 3);
        return;
    default:
        NETG(32, 32, 4);
        return;
#else
    /* 64-bit (and 16-bit) keys: pairs (groups of 4 measured 4-7% slower on 64-bit rows of
     * 150 and 1024 keys). */
    case 17:
    case 18:
        NETG(32, 18, 2);
        return;
    case 19:
    case 20:
        NETG(32, 20, 2);
        return;
    case 21:
    case 22:
        NETG(32, 22, 2);
        return;
    case 23:
    case 24:
        NETG(32, 24, 2);
        return;
    case 25:
    case 26:
        NETG(32, 26, 2);
        return;
    case 27:
    case 28:
        NETG(32, 28, 2);
        return;
    case 29:
    case 30:
        NETG(32, 30, 2);
        return;
    default:
        NETG(32, 32, 2);
        return;
#endif
#else
    default:
        NETR(16, 16);
        return;
#endif
#endif
    }
}

static void RS_NAME(small2)(const KT *src, KT *dst, size_t n)
{
    RS_NAME(small2_body)(src, dst, n, 0);
}

#ifndef RS_ROWS_ONLY
/* The quicksort's leaves, parts of every length up to BLOCK: from 9 registers, one network
 * per 4 register counts (32-bit keys: 17..24 as one). small2's networks, one per 1-4
 * counts and fully unrolled, were more code than the caches keep between two calls (the
 * float32 leaves: 172 KiB, against an L1 cache of 32 and an L2 of 1 MiB that the caller's
 * data share), and a row's leaves run most of them. On Zen 4, one thread,
 * bench/micro/ab_libs.c (AB_SETS=16), both ways round: with AB_COLD (other work between
 * two calls) 8x8192 float32 1.09x, int16 1.13x, int64 1.05x, int32 1.02x, 8x4097 float32
 * 1.16x, int32 1.05x; without it 0.98-1.01x. Rows of one length keep small2: grouped,
 * rows of 150-400 keys measured 2-6% slower. */
static void RS_NAME(leaf2)(const KT *src, KT *dst, size_t n)
{
    RS_NAME(small2_body)(src, dst, n, 1);
}
#endif

static void RS_NAME(small)(KT *keys, size_t n)
{
    RS_NAME(small2)(keys, keys, n);
}

#ifndef RS_ROWS_ONLY /* the quicksort: heapsort, pivot, partitions */
static void RS_NAME(sift)(KT *a, size_t root, size_t n)
{
    const KT x = a[root];
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            break;
        if (c + 1 < n && KLT(a[c], a[c + 1]))
            c++;
        if (!KLT(x, a[c]))
            break;
        a[root] = a[c];
        root = c;
    }
    a[root] = x;
}

/* The O(n log n) guarantee when pivots keep failing. */
static void RS_NAME(heapsort)(KT *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        RS_NAME(sift)(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        const KT t = a[0];
        a[0] = a[end];
        a[end] = t;
        RS_NAME(sift)(a, 0, end);
    }
}

/* Pivot: the median of VN lane-wise medians of whole vectors sampled over the range (n >
 * BLOCK >= 8 * VN): of 3 vectors below RS_PIVOT_WIDE keys (and VN >= 8), else of 3 medians
 * of 3. Whole vectors and a few min/max replace scalar samples and a network: most
 * partitions are short, and the sampling was a good part of their cost. The start of each
 * vector is jittered in its stride by a hash of n and its number (no chain between
 * samples), so that periodic inputs do not defeat it; the depth limit (heapsort) stays the
 * guarantee when pivots keep failing. */
#ifndef RS_PIVOT_WIDE
#define RS_PIVOT_WIDE 4096u
#endif
RS_VINLINE VT RS_NAME(sample)(const KT *a, size_t step, size_t span, uint64_t seed, int i,
                              const int enc)
{
    uint64_t h = (seed + (uint64_t)i) * 0x9E3779B97F4A7C15u;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9u;
    /* (h >> 32) * span >> 32 < span: a jitter in the stride without a division (span
     * capped so that the product cannot overflow). */
    const uint64_t sp = span < UINT32_MAX ? span : UINT32_MAX;
    return ENC_V(RS_V(loadu)(a + (size_t)i * step + (size_t)(((h >> 32) * sp) >> 32)), enc);
}

RS_VINLINE VT RS_NAME(med3)(VT a, VT b, VT c)
{
    return RS_V(max)(RS_V(min)(a, b), RS_V(min)(RS_V(max)(a, b), c));
}

/* enc: the keys at a are to be encoded (sort_enc's first partition); the pivot is encoded. */
RS_VINLINE KT RS_NAME(pivot_body)(const KT *a, size_t n, const int enc)
{
    KT lanes[VN];
    const uint64_t seed = (uint64_t)n * 0xD6E8FEB86659FD93u;
    VT m;
    if (n < RS_PIVOT_WIDE && VN >= 8) {
        const size_t step = n / 3, span = step - VN + 1;
        m = RS_NAME(med3)(RS_NAME(sample)(a, step, span, seed, 0, enc),
                          RS_NAME(sample)(a, step, span, seed, 1, enc),
                          RS_NAME(sample)(a, step, span, seed, 2, enc));
    } else {
        const size_t step = n / 9, span = step - VN + 1;
        VT s[9];
#pragma GCC unroll 9
        for (int i = 0; i < 9; i++)
            s[i] = RS_NAME(sample)(a, step, span, seed, i, enc);
        m = RS_NAME(med3)(RS_NAME(med3)(s[0], s[1], s[2]), RS_NAME(med3)(s[3], s[4], s[5]),
                          RS_NAME(med3)(s[6], s[7], s[8]));
    }
    STORE_KEYS(lanes, RS_V(sort_in)(m));
#ifndef RS_LEAF_FILL
#define RS_LEAF_FILL 0.9
#endif
    if (n <= 2 * (size_t)RS_NAME(BLOCK) && VN >= 16) {
        /* Both sides become leaves: aim the right one at RS_LEAF_FILL of a block, since a
         * full block sorts cheaper per key than two half-empty ones (net_t). u: the
         * quantile of the keys wanted; 3u^2 - 2u^3: that of the medians of 3. Measured
         * 1-4% faster with 16 lanes (AVX-512 32-bit), 1-3% slower with 8 (AVX2). */
        const double u = 1.0 - RS_LEAF_FILL * (double)RS_NAME(BLOCK) / (double)n;
        const double g = u <= 0.0 ? 0.0 : 3.0 * u * u - 2.0 * u * u * u;
        const int q = (int)(g * VN);
        return lanes[q < VN ? q : VN - 1];
    }
    return lanes[VN / 2];
}

static KT RS_NAME(pivot)(const KT *a, size_t n)
{
    return RS_NAME(pivot_body)(a, n, 0);
}

/* The in-place partition reads blocks of UNROLL vectors from either end; it asks for the
 * block this many blocks further in along the same side. Parts larger than the L2 cache
 * stream from the L3 cache or memory, where the hardware prefetchers do not keep up with
 * reads that alternate between two streams, one of them descending: 16M-element u32 rows
 * sorted 4.7 -> 3.9 ns/key on an Intel Xeon (distance 8 against none, 1, 2, 4 and 16). A
 * prefetch of an address outside the array is harmless (it never faults). */
#define PREFETCH_BLOCKS 8
RS_VINLINE void RS_NAME(prefetch_block)(const KT *p)
{
    const char *c = (const char *)p;
#pragma GCC unroll 8
    for (size_t off = 0; off < UNROLL * VN * sizeof(KT); off += 64)
        __builtin_prefetch(c + off);
}
#endif /* RS_ROWS_ONLY */

/* The keys check of vocabularies whose sorts may refuse keys (V<tag>_CHECKS: float NaNs),
 * fused into the first partition of sort_chk: an accumulator that every key passes through
 * (chk_acc), then chk_ok says whether all were fit. Elsewhere a no-op. */
#if RS_CAT(RS_CAT(V, RS_VTAG), _CHECKS)
#define HAVE_CHK        1
#define CHK_INIT()      RS_V(chk_init)()
#define CHK_ACC(acc, v) RS_V(chk_acc)((acc), (v))
#define CHK_OK(acc)     RS_V(chk_ok)(acc)
#else
#define HAVE_CHK        0
#define CHK_INIT()      RS_V(set1)(0)
#define CHK_ACC(acc, v) (acc)
#define CHK_OK(acc)     1
#endif

#ifndef RS_ROWS_ONLY
/* Moves keys < p to the front, returns their count; *mn, *mx get the range of a[0..n).
 * n >= VN. With chk (HAVE_CHK), every key also goes through *chk (CHK_ACC). enc: the keys
 * of a are encoded as they are read (sort_enc's first partition of a part too large for
 * the scratch; p, *mn and *mx are encoded keys), and stored so. */
RS_VINLINE size_t RS_NAME(partition_body)(KT *a, size_t n, KT p, KT *mn, KT *mx, VT *chk,
                                          const int enc)
{
    const int check = HAVE_CHK && chk != NULL;
    VT acc = CHK_INIT();
    size_t lo = 0, hi = n;
    KT smin = ENC_K(a[0], enc), smax = smin;
    /* The first n % VN keys one by one, so that whole vectors remain. */
    for (size_t rem = n % VN; rem > 0; rem--) {
        const KT x = ENC_K(a[lo], enc);
        if (check)
            acc = CHK_ACC(acc, RS_V(set1)(x));
        smin = KLT(x, smin) ? x : smin;
        smax = KLT(smax, x) ? x : smax;
        if (KLT(x, p)) {
            if (enc)
                a[lo] = x;
            lo++;
        } else {
            a[lo] = a[--hi]; /* read (and encoded) at the next step */
            a[hi] = x;
        }
    }
    KT *l = a + lo, *r = a + hi;
    const VT pv = RS_V(set1)(p);
    if (hi - lo == VN) {
        const VT v = ENC_V(RS_V(loadu)(a + lo), enc);
        if (check)
            *chk = CHK_ACC(acc, v);
        RS_V(part)(v, pv, &l, &r);
        *mn = KLT(RS_V(hmin)(v), smin) ? RS_V(hmin)(v) : smin;
        *mx = KLT(smax, RS_V(hmax)(v)) ? RS_V(hmax)(v) : smax;
        return (size_t)(l - a);
    }
    if (hi == lo) {
        if (check)
            *chk = acc;
        *mn = smin;
        *mx = smax;
        return lo;
    }
    if (hi - lo < 2 * UNROLL * VN) {
        /* One vector from each end is held back, so that every store lands in free
         * space (vec_avx2.h stores whole vectors on both sides). */
        const VT vl = ENC_V(RS_V(loadu)(a + lo), enc);
        const VT vr = ENC_V(RS_V(loadu)(a + hi - VN), enc);
        lo += VN;
        hi -= VN;
        VT vmin = RS_V(min)(vl, vr), vmax = RS_V(max)(vl, vr);
        if (check)
            acc = CHK_ACC(CHK_ACC(acc, vl), vr);
        while (hi > lo) {
            VT v;
            if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
                hi -= VN;
                v = ENC_V(RS_V(loadu)(a + hi), enc);
            } else {
                v = ENC_V(RS_V(loadu)(a + lo), enc);
                lo += VN;
            }
            vmin = RS_V(min)(vmin, v);
            vmax = RS_V(max)(vmax, v);
            if (check)
                acc = CHK_ACC(acc, v);
            RS_V(part)(v, pv, &l, &r);
        }
        RS_V(part)(vl, pv, &l, &r);
        RS_V(part)(vr, pv, &l, &r);
        if (check)
            *chk = acc;
        const KT hmin = RS_V(hmin)(vmin), hmax = RS_V(hmax)(vmax);
        *mn = KLT(hmin, smin) ? hmin : smin;
        *mx = KLT(smax, hmax) ? hmax : smax;
        return (size_t)(l - a);
    }
    /* UNROLL vectors from each end are held back; then UNROLL vectors at a time are read
     * from the side with less free space, which leaves at least UNROLL vectors of free
     * space on both sides for their stores. */
    VT held[2 * UNROLL];
#pragma GCC unroll 16
    for (int u = 0; u < UNROLL; u++) {
        held[u] = ENC_V(RS_V(loadu)(a + lo + (size_t)u * VN), enc);
        held[UNROLL + u] = ENC_V(RS_V(loadu)(a + hi - (size_t)(u + 1) * VN), enc);
    }
    lo += UNROLL * VN;
    hi -= UNROLL * VN;
    VT vmin = held[0], vmax = held[0];
#pragma GCC unroll 16
    for (int u = 1; u < 2 * UNROLL; u++) {
        vmin = RS_V(min)(vmin, held[u]);
        vmax = RS_V(max)(vmax, held[u]);
    }
#pragma GCC unroll 16
    for (int u = 0; check && u < 2 * UNROLL; u++)
        acc = CHK_ACC(acc, held[u]);
    while (hi - lo >= UNROLL * VN) {
        const KT *src;
        if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
            hi -= UNROLL * VN;
            src = a + hi;
            RS_NAME(prefetch_block)(src - PREFETCH_BLOCKS * UNROLL * VN);
        } else {
            src = a + lo;
            lo += UNROLL * VN;
            RS_NAME(prefetch_block)(src + PREFETCH_BLOCKS * UNROLL * VN);
        }
        VT v[UNROLL];
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++) {
            v[u] = ENC_V(RS_V(loadu)(src + (size_t)u * VN), enc);
            vmin = RS_V(min)(vmin, v[u]);
            vmax = RS_V(max)(vmax, v[u]);
            if (check)
                acc = CHK_ACC(acc, v[u]);
        }
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++)
            RS_V(part)(v[u], pv, &l, &r);
    }
    while (hi > lo) {
        VT v;
        if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
            hi -= VN;
            v = ENC_V(RS_V(loadu)(a + hi), enc);
        } else {
            v = ENC_V(RS_V(loadu)(a + lo), enc);
            lo += VN;
        }
        vmin = RS_V(min)(vmin, v);
        vmax = RS_V(max)(vmax, v);
        if (check)
            acc = CHK_ACC(acc, v);
        RS_V(part)(v, pv, &l, &r);
    }
    if (check)
        *chk = acc;
#pragma GCC unroll 16
    for (int u = 0; u < 2 * UNROLL; u++)
        RS_V(part)(held[u], pv, &l, &r);
    const KT hmin = RS_V(hmin)(vmin), hmax = RS_V(hmax)(vmax);
    *mn = KLT(hmin, smin) ? hmin : smin;
    *mx = KLT(smax, hmax) ? hmax : smax;
    return (size_t)(l - a);
}

static size_t RS_NAME(partition)(KT *a, size_t n, KT p, KT *mn, KT *mx)
{
    return RS_NAME(partition_body)(a, n, p, mn, mx, NULL, 0);
}

static size_t RS_NAME(partition_chk)(KT *a, size_t n, KT p, KT *mn, KT *mx, VT *chk)
{
    return RS_NAME(partition_body)(a, n, p, mn, mx, chk, 0);
}

/* Out-of-place partition: keys of src[0..n) < p go to the front of dst, the others to its
 * back; returns their count. No store can meet a later load (the in-place partition's
 * masked stores near its loads stall store forwarding). No range is tracked (two min/max
 * per vector): a range of equal keys shows as m == 0, then m == n (qsort_oop). */
RS_VINLINE size_t RS_NAME(part_oop_body)(const KT *src, KT *dst, size_t n, KT p, VT *chk,
                                         const int enc)
{
    const int check = HAVE_CHK && chk != NULL;
    VT acc = CHK_INIT();
    KT *l = dst, *r = dst + n;
    const VT pv = RS_V(set1)(p);
    size_t i = 0;
    /* Whole-vector stores stay inside [l, r) while 2 * VN or more keys remain. */
    for (; i + 2 * UNROLL * VN <= n; i += UNROLL * VN) {
        VT v[UNROLL];
        /* sort_enc's first partition is the first pass over its row, maybe from memory,
         * where it lost to the encode pass's plain stream (64 rows of 64K float32 keys:
         * 0.95x of the passes without the prefetch, 1.00x with it) */
        if (enc)
            RS_NAME(prefetch_block)(src + i + PREFETCH_BLOCKS * UNROLL * VN);
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++) {
            v[u] = ENC_V(RS_V(loadu)(src + i + (size_t)u * VN), enc);
            if (check)
                acc = CHK_ACC(acc, v[u]);
        }
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++)
            RS_V(part)(v[u], pv, &l, &r);
    }
    for (; i + 2 * VN <= n; i += VN) {
        const VT v = ENC_V(RS_V(loadu)(src + i), enc);
        if (check)
            acc = CHK_ACC(acc, v);
        RS_V(part)(v, pv, &l, &r);
    }
    /* The rest one key at a time, written to both sides (no branch on the key). */
    for (; i < n; i++) {
        const KT x = ENC_K(src[i], enc);
        const int lt = KLT(x, p);
        if (check)
            acc = CHK_ACC(acc, RS_V(set1)(x));
        *l = x;
        r[-1] = x;
        l += lt;
        r -= !lt;
    }
    if (check)
        *chk = acc;
    return (size_t)(l - dst);
}

static size_t RS_NAME(part_oop)(const KT *src, KT *dst, size_t n, KT p)
{
    return RS_NAME(part_oop_body)(src, dst, n, p, NULL, 0);
}

static size_t RS_NAME(part_oop_chk)(const KT *src, KT *dst, size_t n, KT p, VT *chk)
{
    return RS_NAME(part_oop_body)(src, dst, n, p, chk, 0);
}

/* Whether no key of a[0..n) is larger than p; stops at the first 4 vectors that have one
 * (at once for most ranges whose minimum is p but not all of them). */
static int RS_NAME(all_le)(const KT *a, size_t n, KT p)
{
    size_t i = 0;
    for (; i + 4 * VN <= n; i += 4 * VN) {
        const VT m = RS_V(max)(RS_V(max)(RS_V(loadu)(a + i), RS_V(loadu)(a + i + VN)),
                               RS_V(max)(RS_V(loadu)(a + i + 2 * VN),
                                         RS_V(loadu)(a + i + 3 * VN)));
        if (KLT(p, RS_V(hmax)(m)))
            return 0;
    }
    for (; i < n; i++)
        if (KLT(p, a[i]))
            return 0;
    return 1;
}

#if DEC_STORES
/* The keys p[0..n) decoded in place (FINISH: the keys that leave the quicksort by another way
 * than a leaf's network). */
static void RS_NAME(decode_range)(KT *p, size_t n)
{
    size_t i = 0;
    for (; i + VN <= n; i += VN)
        RS_V(storeu)(p + i, RS_V(loadu)(p + i));
    for (; i < n; i++)
        p[i] = KFIN(p[i]);
}
#endif

/* Quicksort between the keys and a scratch copy: the keys of this part are in cur, alt is
 * the other buffer at the same offset, and the sorted keys must end in cur when cur_is_out,
 * else in alt. Each partition moves the keys to the other buffer. With chk (sort_chk: n >
 * BLOCK, so that a partition comes first), the first partition checks every key and returns
 * 0, cur untouched, when one is unfit; else 1. */
static int RS_NAME(qsort_oop)(KT *cur, KT *alt, int cur_is_out, size_t n, int depth, VT *chk)
{
    while (n > RS_NAME(BLOCK)) {
        KT *out = cur_is_out ? cur : alt;
        if (depth-- <= 0) {
            if (!cur_is_out)
                memcpy(out, cur, n * sizeof *cur);
            RS_NAME(heapsort)(out, n);
            FINISH(out, n);
            return 1;
        }
        const KT p = RS_NAME(pivot)(cur, n);
        size_t m;
        if (HAVE_CHK && chk != NULL) {
            m = RS_NAME(part_oop_chk)(cur, alt, n, p, chk);
            if (!CHK_OK(*chk))
                return 0;
            chk = NULL;
        } else {
            m = RS_NAME(part_oop)(cur, alt, n, p);
        }
        if (m == 0) {
            /* p (a key of the range) is the minimum. If every key equals it, both buffers
             * hold the sorted keys. Else the keys equal to it (all < p + 1: no wrap, since
             * some key is larger) are done; the rest goes on from cur. */
            if (RS_NAME(all_le)(cur, n, p)) {
                FINISH(out, n);
                return 1;
            }
            m = RS_NAME(part_oop)(alt, cur, n, KSUCC(p));
            if (!cur_is_out)
                memcpy(out, cur, m * sizeof *cur);
            FINISH(out, m);
            cur += m;
            alt += m;
            n -= m;
            continue;
        }
        KT *const t = cur;
        cur = alt;
        alt = t;
        cur_is_out = !cur_is_out;
        if (m < n - m) {
            RS_NAME(qsort_oop)(cur, alt, cur_is_out, m, depth, NULL);
            cur += m;
            alt += m;
            n -= m;
        } else {
            RS_NAME(qsort_oop)(cur + m, alt + m, cur_is_out, n - m, depth, NULL);
            n = m;
        }
    }
    RS_NAME(leaf2)(cur, cur_is_out ? cur : alt, n);
    return 1;
}

/* The quicksort of RS_NAME(sort): parts of inplace_min_bytes or more are partitioned in
 * place, smaller ones out of place between a and alt (the scratch at the same offset).
 * Without scratch (alt == NULL) every level is in place, down to the networks. A part far
 * larger than the caches makes every partition a pass over memory: in place, each line is
 * read and written back once; out of place, the lines of the copy are also read for
 * ownership before they are written, half as much traffic again. In the caches, the
 * out-of-place partition is faster (see part_oop). Where the two meet depends on the core
 * (entries_tmpl.h: each kernel table passes its own threshold). */
static int RS_NAME(qsort)(KT *a, KT *alt, size_t n, int depth, size_t inplace_min_bytes,
                         VT *chk)
{
    const size_t in_place_min =
        alt != NULL ? inplace_min_bytes / sizeof(KT) : (size_t)RS_NAME(BLOCK) + 1;
    while (n >= in_place_min) {
        if (depth-- <= 0) {
            RS_NAME(heapsort)(a, n);
            FINISH(a, n);
            return 1;
        }
        const KT p = RS_NAME(pivot)(a, n);
        KT mn, mx;
        size_t m;
        if (HAVE_CHK && chk != NULL) {
            /* as in qsort_oop, but a refusal leaves the keys moved */
            m = RS_NAME(partition_chk)(a, n, p, &mn, &mx, chk);
            if (!CHK_OK(*chk))
                return 0;
            chk = NULL;
        } else {
            m = RS_NAME(partition)(a, n, p, &mn, &mx);
        }
        if (mn == mx) {
            FINISH(a, n);
            return 1; /* all equal */
        }
        if (m == 0) {
            /* p is the minimum: split off every key equal to it (p + 1 cannot wrap, since
             * p < mx) and go on with the rest. */
            m = RS_NAME(partition)(a, n, KSUCC(p), &mn, &mx);
            FINISH(a, m);
        } else if (m < n - m) {
            RS_NAME(qsort)(a, alt, m, depth, inplace_min_bytes, NULL);
        } else {
            RS_NAME(qsort)(a + m, alt != NULL ? alt + m : NULL, n - m, depth, inplace_min_bytes,
                           NULL);
            n = m;
            continue;
        }
        a += m;
        if (alt != NULL)
            alt += m;
        n -= m;
    }
    if (alt != NULL)
        return RS_NAME(qsort_oop)(a, alt, 1, n, depth, chk);
    RS_NAME(leaf2)(a, a, n);
    return 1;
}

/* The quicksort's depth limit for n keys (then heapsort): 2 log2(n) + 4 levels. */
static int RS_NAME(depth_limit)(size_t n)
{
    int depth = 4;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    return depth;
}

#if DEC_STORES
/* src[0..n) (n > BLOCK) sorted into keys[0..n) (src == keys: in place; else no overlap, src
 * unchanged), the keys as the vocabulary reads them before its transform (float32 bit
 * patterns: vdf32) and stored so: the first partition encodes them as it reads them, and
 * the leaves' networks decode them into keys as they store them. No pass of its own for the
 * transform, nor for a copy, either way. scratch: n keys. In place, rows of
 * inplace_min_bytes or more are first partitioned in place (qsort, whose exits by another
 * way than a leaf decode their keys), smaller ones out of place into scratch; from src, the
 * first partition writes keys (as sort_from); the parts then go on as qsort takes them. */
static void RS_NAME(sort_enc)(const KT *src, KT *keys, size_t n, KT *scratch,
                              size_t inplace_min_bytes)
{
    const int depth = RS_NAME(depth_limit)(n) - 1; /* one level: the partition below */
    const KT p = RS_NAME(pivot_body)(src, n, 1);
    size_t m;
    if (src != keys) {
        m = RS_NAME(part_oop_body)(src, keys, n, p, NULL, 1);
    } else if (n >= inplace_min_bytes / sizeof(KT)) {
        KT mn, mx;
        m = RS_NAME(partition_body)(keys, n, p, &mn, &mx, NULL, 1);
        if (mn == mx) {
            FINISH(keys, n);
            return;
        }
    } else {
        m = RS_NAME(part_oop_body)(keys, scratch, n, p, NULL, 1);
        /* m == 0: p was the smallest key; the next partition of the whole splits its run off */
        RS_NAME(qsort_oop)(scratch, keys, 0, m > 0 ? m : n, depth, NULL);
        if (m > 0)
            RS_NAME(qsort_oop)(scratch + m, keys + m, 0, n - m, depth, NULL);
        return;
    }
    /* the encoded keys in keys: as in sort_from */
    RS_NAME(qsort)(keys, scratch, m > 0 ? m : n, depth, inplace_min_bytes, NULL);
    if (m > 0)
        RS_NAME(qsort)(keys + m, scratch + m, n - m, depth, inplace_min_bytes, NULL);
}
#endif

/* Sorts keys[0..n); scratch (n keys, may be NULL: then in place) holds the copy that the
 * out-of-place partitions write to; parts of inplace_min_bytes or more are partitioned in
 * place (qsort). */
static void RS_NAME(sort)(KT *keys, size_t n, void *scratch, size_t inplace_min_bytes)
{
    if (n <= RS_NAME(BLOCK)) {
        RS_V(pre)(keys, n);
        RS_NAME(small)(keys, n);
        RS_V(post)(keys, n);
        return;
    }
    RS_V(pre)(keys, n);
    RS_NAME(qsort)(keys, (KT *)scratch, n, RS_NAME(depth_limit)(n), inplace_min_bytes, NULL);
    RS_V(post)(keys, n);
}

#if HAVE_CHK
#if RS_CAT(RS_CAT(V, RS_VTAG), _PRE_MOVES)
#error "sort_chk reads the keys as they are: not for a vocabulary whose pre moves them"
#endif
/* RS_NAME(sort) for keys that the vocabulary may refuse (RS_V(usable): float NaNs, or
 * MXCSR.DAZ set): returns 0 when it does, the keys then a permutation of what they were;
 * else sorts them and returns 1. Rows longer than a network are checked as the first
 * partition reads them (RS_V(chk_acc)) instead of in a pass of their own: on an Intel Xeon,
 * float32 rows 1.01-1.03x faster in the L1 and L2 caches, 1.05-1.08x from 256 KiB rows to
 * 16M keys; float64 alike. Vocabularies with checks keep their keys as they are (no
 * pre/post). */
static int RS_NAME(sort_chk)(KT *keys, size_t n, void *scratch, size_t inplace_min_bytes)
{
    if (n <= RS_NAME(BLOCK)) {
        if (!RS_V(usable)(keys, n))
            return 0;
        RS_NAME(small)(keys, n);
        return 1;
    }
    if (!RS_V(chk_env)())
        return 0;
    VT chk = CHK_INIT();
    return RS_NAME(qsort)(keys, (KT *)scratch, n, RS_NAME(depth_limit)(n), inplace_min_bytes,
                          &chk);
}
#endif

#ifdef RS_SORT_FROM
#if RS_CAT(RS_CAT(V, RS_VTAG), _PRE_MOVES)
#error "sort_from reads the keys as they are: not for a vocabulary whose pre moves them"
#endif
/* Sorts src[0..n) into dst[0..n) (no overlap; src unchanged): the first partition reads src
 * and writes dst, in place of a copy and then a partition of the copy (where the kernel
 * file asks for it: RS_SORT_FROM). Returns 0, dst undefined, where the vocabulary refuses
 * the keys (as sort_chk); else 1. */
static int RS_NAME(sort_from)(const KT *src, KT *dst, size_t n, void *scratch,
                              size_t inplace_min_bytes)
{
    if (n <= RS_NAME(BLOCK)) {
#if HAVE_CHK
        if (!RS_V(usable)(src, n))
            return 0;
#endif
        RS_NAME(small2)(src, dst, n);
        return 1;
    }
#if HAVE_CHK
    if (!RS_V(chk_env)())
        return 0;
#endif
    const int depth = RS_NAME(depth_limit)(n) - 1; /* one level: the partition below */
    const KT p = RS_NAME(pivot)(src, n);
    VT chk = CHK_INIT();
    const size_t m = HAVE_CHK ? RS_NAME(part_oop_chk)(src, dst, n, p, &chk)
                              : RS_NAME(part_oop)(src, dst, n, p);
    if (!CHK_OK(chk))
        return 0;
    KT *alt = (KT *)scratch;
    /* m == 0: p was the smallest key; the next partition of the whole splits its run off */
    RS_NAME(qsort)(dst, alt, m > 0 ? m : n, depth, inplace_min_bytes, NULL);
    if (m > 0)
        RS_NAME(qsort)(dst + m, alt != NULL ? alt + m : NULL, n - m, depth, inplace_min_bytes,
                       NULL);
    return 1;
}
#endif
#endif /* RS_ROWS_ONLY */

#ifdef HAVE_COLS
/* Keys of a row in its register that starts `at` keys in, rem keys of the row left from its
 * start: VN, fewer (the rest is padding), or none. */
RS_VINLINE size_t RS_NAME(reg_keys)(size_t rem, size_t at)
{
    return rem > at ? (rem - at < VN ? rem - at : VN) : 0;
}

/* Loads nb registers of each of the VN rows of a cols block from p (row i at p + i *
 * stride; rem keys of each row left from p on, padding past them) into c (register b of
 * row i into c[b * VN + i]), and transposes them: c[k] then holds key k of every row. */
RS_VINLINE void RS_NAME(cols_in_at)(VT *c, const KT *p, size_t stride, size_t rem, const int nb)
{
#pragma GCC unroll 16
    for (int i = 0; i < VN; i++)
#pragma GCC unroll 8
        for (int b = 0; b < nb; b++) {
            const size_t at = (size_t)b * VN;
            const size_t cnt = RS_NAME(reg_keys)(rem, at);
            const KT *q = p + (size_t)i * stride + at;
            c[b * VN + i] = cnt == VN ? RS_V(loadu)(q) : RS_V(load_pad)(q, cnt);
        }
    RS_NAME(swap_lane_bits)(c, nb * VN);
}

/* The way back of cols_in_at: transposes c's nb * VN registers and stores them. */
RS_VINLINE void RS_NAME(cols_out_at)(VT *c, KT *p, size_t stride, size_t rem, const int nb)
{
    RS_NAME(swap_lane_bits)(c, nb * VN);
#pragma GCC unroll 16
    for (int i = 0; i < VN; i++)
#pragma GCC unroll 8
        for (int b = 0; b < nb; b++) {
            const size_t at = (size_t)b * VN;
            const size_t cnt = RS_NAME(reg_keys)(rem, at);
            KT *q = p + (size_t)i * stride + at;
            if (cnt == VN)
                RS_V(storeu)(q, c[b * VN + i]);
            else if (cnt > 0)
                RS_V(store_part)(q, c[b * VN + i], cnt);
        }
}

/* Keys of register b (of S / VN) of a row of n keys. */
#define COLS_COUNT(b) RS_NAME(reg_keys)(n, (size_t)(b) * VN)

/* Loads registers [b0, b1) of each of the VN rows of a cols block into c (register b of row
 * i into c[b * VN + i]), and transposes them: c[k] then holds key k of every row. The same
 * as cols_in_at above from register b0, but written out: as calls of cols_in_at and
 * cols_out_at, the column networks of rows of 32 keys measured 8% slower on the AVX2 path
 * (Zen 4, rows in L1, GCC 12). */
RS_VINLINE void RS_NAME(cols_in)(VT *c, const KT *keys, size_t n, const int b0, const int b1)
{
#pragma GCC unroll 16
    for (int i = 0; i < VN; i++)
#pragma GCC unroll 8
        for (int b = b0; b < b1; b++) {
            const KT *p = keys + (size_t)i * n + (size_t)b * VN;
            const size_t cnt = COLS_COUNT(b);
            c[b * VN + i] = cnt == VN ? RS_V(loadu)(p) : RS_V(load_pad)(p, cnt);
        }
    RS_NAME(swap_lane_bits)(c + b0 * VN, (b1 - b0) * VN);
}

/* The way back of cols_in: transposes c's registers [b0 * VN, b1 * VN) and stores them. */
RS_VINLINE void RS_NAME(cols_out)(VT *c, KT *keys, size_t n, const int b0, const int b1)
{
    RS_NAME(swap_lane_bits)(c + b0 * VN, (b1 - b0) * VN);
#pragma GCC unroll 16
    for (int i = 0; i < VN; i++)
#pragma GCC unroll 8
        for (int b = b0; b < b1; b++) {
            KT *p = keys + (size_t)i * n + (size_t)b * VN;
            const size_t cnt = COLS_COUNT(b);
            if (cnt == VN)
                RS_V(storeu)(p, c[b * VN + i]);
            else if (cnt > 0)
                RS_V(store_part)(p, c[b * VN + i], cnt);
        }
}

/* cols for S = 64 in halves: 64 registers do not fit in the register file, and Batcher's
 * 64-input network keeps all of them live (the compiler spilled around most of its 543
 * compare-exchanges). Here keys 0..31 of the rows are loaded and sorted by the 32-input
 * network, then keys 32..63, then the two sorted halves are merged bitonically: the mirror
 * step (key i against key 63 - i) and half-cleaners inside each half, so that at most 32
 * registers are live but in the mirror step. 574 compare-exchanges instead of 543. */
RS_VINLINE void RS_NAME(cols64)(KT *keys, size_t n)
{
    VT c[64];
    enum { H = 32 / VN }; /* registers of a row per half */
#define CX(x, y)                                                                           \
    do {                                                                                   \
        const VT lo_ = RS_V(min)(c[(x) + o], c[(y) + o]);                                  \
        c[(y) + o] = RS_V(max)(c[(x) + o], c[(y) + o]);                                    \
        c[(x) + o] = lo_;                                                                  \
    } while (0);
    {
        const int o = 0;
        RS_NAME(cols_in)(c, keys, n, 0, H);
        RS_NETWORK32
    }
    {
        const int o = 32;
        RS_NAME(cols_in)(c, keys, n, H, 2 * H);
        RS_NETWORK32
    }
    {
        const int o = 0;
#pragma GCC unroll 32
        for (int i = 0; i < 32; i++)
            CX(i, 63 - i)
    }
#pragma GCC unroll 2
    for (int o = 0; o < 64; o += 32) {
#pragma GCC unroll 5
        for (int l = 4; l >= 0; l--)
#pragma GCC unroll 32
            for (int i = 0; i < 32; i++)
                if ((i & 1 << l) == 0)
                    CX(i, i + (1 << l))
        RS_NAME(cols_out)(c, keys, n, o / VN, o / VN + H);
    }
#undef CX
}

/* cols for S = 64 where the register file holds 16 vectors (AVX2, VN <= 8): in passes over
 * a buffer of the 64 column registers, each pass on the 16 or 8 of them that some bits of
 * the key position span, so that few are live at once (cols64 keeps 32 live, and spilled
 * on AVX2 as much as the 64-input network). A bitonic sort with a direction per block (in
 * the columns a compare-exchange may put its minimum in either register, at no cost):
 * pass 1 sorts key positions 0..15, 16..31, .. by Batcher's 16-input network, ascending
 * and descending in turn; passes 2 and 3 merge 32 over position bits 4..2 and 1..0, pass 3
 * then bit 5 of the merge of 64, pass 4 bits 4 and 3, pass 5 bits 2..0 on runs of 8
 * registers, which it transposes back and stores. 604 compare-exchanges, and 2 transposes
 * (3 shuffles per register with v32_transpose), against about 5 shuffles and blends per
 * key in net_t. Zen 4, AVX2, int32 rows in L1: 64 keys 0.42 -> 0.32 ns/key, 48 keys 0.53
 * -> 0.44, 40 keys 0.63 -> 0.54. The loops over a pass's register groups stay rolled:
 * unrolled, the code outgrew the decoded-op cache and ran no faster than net_t. */
#define C64_CX(x, y, asc)                                                                  \
    do {                                                                                   \
        const VT lo_ = RS_V(min)(x, y), hi_ = RS_V(max)(x, y);                             \
        (x) = (asc) ? lo_ : hi_;                                                           \
        (y) = (asc) ? hi_ : lo_;                                                           \
    } while (0)
/* The compiler must not carry registers from one pass to the next through m. */
#define C64_BARRIER(m) __asm__ volatile("" : : "r"(m) : "memory")
/* Half-cleaner levels on local bits hi down to lo of 8 registers; register j's pairs put
 * their maxima first where bit j of desc is set (a constant at every call). */
RS_VINLINE void RS_NAME(c64_levels)(VT *v, const int hi, const int lo, const int desc)
{
#pragma GCC unroll 3
    for (int l = hi; l >= lo; l--)
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            if ((j & 1 << l) == 0)
                C64_CX(v[j], v[j | 1 << l], (desc >> j & 1) == 0);
}
RS_VINLINE void RS_NAME(cols64_staged)(KT *keys, size_t n)
{
    VT m[64];
    /* The next VN rows (the caller's next call, or the rows after its block, which are
     * the next block's in a batch): the passes read their rows a few keys of each at a
     * time, which the hardware prefetchers follow less well than net_t's row after row
     * (rows from memory, 65536x64 int32: 0.49 -> 0.36 ns/key; 2 groups ahead no better).
     * A prefetch past the end of the array does not fault. */
    {
        const char *next = (const char *)(keys + VN * n);
        for (size_t b = 0; b < VN * n * sizeof(KT); b += 64)
            __builtin_prefetch(next + b, 1, 3);
    }
    /* Pass 1: the key positions 0..15 and 32..47 ascending, 16..31 and 48..63 descending. */
#pragma GCC unroll 1
    for (size_t at = 0; at < 64; at += 32)
#pragma GCC unroll 2
        for (int d = 0; d < 2; d++) {
            const size_t q = at + 16 * (size_t)d;
            VT c[16];
            RS_NAME(cols_in_at)(c, keys + q, n, n > q ? n - q : 0, 16 / VN);
#define CX(x, y) C64_CX(c[x], c[y], d == 0);
            RS_NETWORK16
#undef CX
#pragma GCC unroll 16
            for (int j = 0; j < 16; j++)
                m[q + j] = c[j];
        }
    C64_BARRIER(m);
    /* Pass 2: the merge of 32 (block = bit 5), bits 4..2, on the registers with bits 0, 1
     * = o. */
#pragma GCC unroll 2
    for (int b5 = 0; b5 < 2; b5++)
#pragma GCC unroll 1
        for (int o = 0; o < 4; o++) {
            VT v[8];
            VT *g = m + o + 32 * b5;
#pragma GCC unroll 8
            for (int j = 0; j < 8; j++)
                v[j] = g[4 * j];
            RS_NAME(c64_levels)(v, 2, 0, b5 ? 0xFF : 0);
#pragma GCC unroll 8
            for (int j = 0; j < 8; j++)
                g[4 * j] = v[j];
        }
    C64_BARRIER(m);
    /* Pass 3: bits 1, 0 of the merge of 32, then bit 5 of the merge of 64 (ascending), on
     * the registers with bits 2..4 = o: local bits 0, 1, 2 are bits 0, 1, 5. */
#pragma GCC unroll 1
    for (int o = 0; o < 8; o++) {
        VT v[8];
        VT *g = m + 4 * o;
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            v[j] = g[(j & 3) | (j >> 2) << 5];
        RS_NAME(c64_levels)(v, 1, 0, 0xF0); /* block: bit 5, local bit 2 */
        RS_NAME(c64_levels)(v, 2, 2, 0);
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            g[(j & 3) | (j >> 2) << 5] = v[j];
    }
    C64_BARRIER(m);
    /* Pass 4: bits 4, 3 of the merge of 64, on the registers with bits 0..2 = o (local
     * bits 0, 1, 2 are bits 3, 4, 5). */
#pragma GCC unroll 1
    for (int o = 0; o < 8; o++) {
        VT v[8];
        VT *g = m + o;
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            v[j] = g[8 * j];
        RS_NAME(c64_levels)(v, 1, 0, 0);
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            g[8 * j] = v[j];
    }
    C64_BARRIER(m);
    /* Pass 5: bits 2..0 of the merge of 64 on runs of 8 registers, whole blocks of the
     * transpose (VN <= 8), which stores them. */
#pragma GCC unroll 1
    for (int o = 0; o < 64; o += 8) {
        VT c[8];
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++)
            c[j] = m[o + j];
        RS_NAME(c64_levels)(c, 2, 0, 0);
        RS_NAME(cols_out_at)(c, keys + o, n, n > (size_t)o ? n - (size_t)o : 0, 8 / VN);
    }
}
#undef C64_CX
#undef C64_BARRIER

/* Which rows of 64 take cols64: on Zen 4, one thread, 65536 rows, both ways round, against
 * the one 64-input network: int16 rows of 64 keys 1.34-1.46x, float64 1.17x (60 keys
 * 1.19x); 64-bit integers 0.91-0.97x (their min/max bound both: 6% more of them here) keep
 * the 64-input network. (32-bit rows of 49..64 keys go to the AVX2 kernels on Zen 4.) */
#if RS_BITS != 64 || defined(RS_KEY_SUCC)
#define COLS_HALVES 1
#else
#define COLS_HALVES 0
#endif

/* VN rows of n keys (n <= S, S one of 8, 16, 32, 64 and >= VN; row i at keys + i * n), one
 * row per lane: the block is transposed so that register k holds key k of every row, the
 * S registers go through Batcher's network for S inputs (networks.h) with min/max only,
 * no shuffles, and are transposed back. Rows shorter than S are padded with the largest
 * key. */
RS_VINLINE void RS_NAME(cols)(KT *keys, size_t n, const int S)
{
    if (S == 64 && COLS_STAGED) {
        RS_NAME(cols64_staged)(keys, n);
        return;
    }
    if (S == 64 && COLS_HALVES) {
        RS_NAME(cols64)(keys, n);
        return;
    }
    VT c[64];
    RS_NAME(cols_in)(c, keys, n, 0, S / VN);
/* The compare-and-blend mix (NET_CX) where it measured faster: 32-register networks (rows
 * of 17..32 keys: int32 1.11x, int16 1.09x, on an Intel Xeon), and 16-register ones of
 * 64-bit keys (rows of 9..16 int64: 1.08x); the 64-register networks, which spill, 7% slower, 16
 * registers of 32-bit keys 1-4% slower. Zen 4's 16- and 32-bit networks (RS_NET_MIX_OWN)
 * take min and max only there too: 65536 rows of 32 keys int32 1.13x, int16 1.11x, float32
 * 1.11x, of 24 int32 1.06x (one thread, both ways round). */
#if defined(RS_NET_MIX_OWN) && RS_BITS != 64
#define COLS_MIX RS_NET_MIX_OWN
#else
#define COLS_MIX 5, 2
#endif
#define CX(x, y)                                                                           \
    if (S == 32 || (S == 16 && RS_BITS == 64)) {                                           \
        NET_CX_X(c[x], c[y], (x) * 3 + (y), COLS_MIX);                                     \
    } else {                                                                               \
        const VT lo_ = RS_V(min)(c[x], c[y]);                                              \
        c[y] = RS_V(max)(c[x], c[y]);                                                      \
        c[x] = lo_;                                                                        \
    }
    switch (S) {
    case 8:
        RS_NETWORK8
        break;
    case 16:
        RS_NETWORK16
        break;
    case 32:
        RS_NETWORK32
        break;
    default:
        RS_NETWORK64
        break;
    }
#undef CX
#undef COLS_MIX
    RS_NAME(cols_out)(c, keys, n, 0, S / VN);
}
#undef COLS_COUNT
#undef COLS_HALVES
#endif

/* One row of NR registers in a network of R: net_t where net_t_pad2 applies (as NETR). */
#ifdef HAVE_NET_T
#define ROWS1(R, k)                                                                         \
    ((R) >= VN && (k) >= NET_T_MIN(R) ? RS_NAME(net_t_pad2)(keys + r * n, keys + r * n, n, (R), (k), 1) \
                                      : RS_NAME(net_rows)(keys + r * n, n, (R), (k), 1))
#else
#define ROWS1(R, k) RS_NAME(net_rows)(keys + r * n, n, (R), (k), 1)
#endif

/* Sorts rows of n keys each, row r at keys + r * n. Short rows: the length dispatch is
 * hoisted out of the row loop, so each row is one inlined network. */
static void RS_NAME(sort_rows)(KT *keys, size_t rows, size_t n, void *scratch,
                               size_t inplace_min_bytes)
{
    if (n <= 1 || rows == 0)
        return;
#ifndef RS_ROWS_ONLY
    if (n > RS_NAME(BLOCK)) {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(sort)(keys + r * n, n, scratch, inplace_min_bytes);
        return;
    }
#else
    (void)scratch; /* callers of a rows-only instance keep n <= BLOCK */
    (void)inplace_min_bytes;
#endif
    RS_V(pre)(keys, rows * n);
    size_t r = 0;
#ifdef HAVE_COLS
    /* VN rows at a time, one per lane, where that measured faster */
    const int S = n <= 8 ? 8 : n <= 16 ? 16 : n <= 32 ? 32 : 64;
    if (S >= VN && COLS_USE(n)) {
        switch (S) {
        case 8:
            for (; r + VN <= rows; r += VN)
                RS_NAME(cols)(keys + r * n, n, 8);
            break;
        case 16:
            for (; r + VN <= rows; r += VN)
                RS_NAME(cols)(keys + r * n, n, 16);
            break;
        case 32:
            for (; r + VN <= rows; r += VN)
                RS_NAME(cols)(keys + r * n, n, 32);
            break;
        default:
            for (; r + VN <= rows; r += VN)
                RS_NAME(cols)(keys + r * n, n, 64);
            break;
        }
    }
#endif
    switch ((n + VN - 1) / VN) {
    case 1:
        for (; r + 4 <= rows; r += 4)
            RS_NAME(net_rows)(keys + r * n, n, 1, 1, 4);
        for (; r < rows; r++)
            RS_NAME(net_rows)(keys + r * n, n, 1, 1, 1);
        break;
    case 2:
        for (; r + 2 <= rows; r += 2)
            RS_NAME(net_rows)(keys + r * n, n, 2, 2, 2);
        for (; r < rows; r++)
            RS_NAME(net_rows)(keys + r * n, n, 2, 2, 1);
        break;
    case 3:
        for (; r + ROWS4 <= rows; r += ROWS4)
            RS_NAME(net_rows)(keys + r * n, n, 4, 3, ROWS4);
        for (; r < rows; r++)
            RS_NAME(net_rows)(keys + r * n, n, 4, 3, 1);
        break;
    case 4:
        for (; r + ROWS4 <= rows; r += ROWS4)
            RS_NAME(net_rows)(keys + r * n, n, 4, 4, ROWS4);
        for (; r < rows; r++)
            RS_NAME(net_rows)(keys + r * n, n, 4, 4, 1);
        break;
    /* 5..8 registers: one row at a time (8 registers per row fill AVX2's 16). */
    case 5:
        for (; r < rows; r++)
            ROWS1(8, 5);
        break;
    case 6:
        for (; r < rows; r++)
            ROWS1(8, 6);
        break;
    case 7:
        for (; r < rows; r++)
            ROWS1(8, 7);
        break;
    case 8:
        for (; r < rows; r++)
            ROWS1(8, 8);
        break;
    default:
        for (; r < rows; r++)
            RS_NAME(small)(keys + r * n, n);
        break;
    }
    RS_V(post)(keys, rows * n);
}

#if HAVE_CHK
/* sort_rows over sort_chk: 0 at the first row refused (the rows before it sorted). */
static int RS_NAME(sort_rows_chk)(KT *keys, size_t rows, size_t n, void *scratch,
                                  size_t inplace_min_bytes)
{
    if (n <= RS_NAME(BLOCK)) {
#if RS_CAT(RS_CAT(V, RS_VTAG), _USABLE_Z) + 0
        /* 1, or 2 where no key is a -0.0 (RS_SORTED_ZEROS, kernels.h) */
        const int use = RS_V(usable_z)(keys, rows * n);
        if (use)
            RS_NAME(sort_rows)(keys, rows, n, scratch, inplace_min_bytes);
        return use;
#else
        if (!RS_V(usable)(keys, rows * n))
            return 0;
        RS_NAME(sort_rows)(keys, rows, n, scratch, inplace_min_bytes);
        return 1;
#endif
    }
    for (size_t r = 0; r < rows; r++)
        if (!RS_NAME(sort_chk)(keys + r * n, n, scratch, inplace_min_bytes))
            return 0;
    return 1;
}
#endif

#undef PREFETCH_BLOCKS
#undef RS_SORT_FROM
#undef RS_ROWS_ONLY
#undef HAVE_CHK
#undef DEC_STORES
#undef ENC_V
#undef ENC_K
#undef KFIN
#undef STORE_KEYS
#undef FINISH
#undef CHK_INIT
#undef CHK_ACC
#undef CHK_OK
#undef RS_PIVOT_WIDE
#undef RS_LEAF_FILL
#undef HAVE_NET_T
#undef HAVE_COLS
#undef COLS_USE
#undef COLS_STAGED
#undef NETR
#undef NETG
#undef NET_T_MIN
#undef ROWS1
#undef CHUNK_T
#undef LOG2
#undef NET_CX
#undef NET_MIX
#undef NET_CX_X
#undef NET_CX_
#undef NREGS_MAX
#undef SPLIT_LEAF
#undef UNROLL
#undef ROWS4
#undef KLT
#undef LOG2_VN
#undef VN
#undef KT
#undef VT
#undef RS_V
#undef RS_NAME
#undef RS_CAT
#undef RS_CAT_
#undef KSUCC
#undef RS_VTAG
