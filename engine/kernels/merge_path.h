/*
 * merge_path.h - the merge-path search, shared by the row splitter's merges (row_split.c)
 * and the vector merge kernels (merge_tmpl.h): output position d of the merge of the sorted
 * runs A (na keys) and B (nb) comes from taking some i keys of A and d - i of B; the search
 * finds the i where A[i-1] <= B[d-i] and B[d-i-1] < A[i] (ties go to A, which holds the lower
 * positions: stable). d <= na + nb.
 */
#ifndef RS_MERGE_PATH_H
#define RS_MERGE_PATH_H

#include <stddef.h>
#include <stdint.h>

#define RS_MERGE_PATH(T, name)                                                             \
    static inline size_t name(const T *A, size_t na, const T *B, size_t nb, size_t d)      \
    {                                                                                      \
        size_t lo = d > nb ? d - nb : 0, hi = d < na ? d : na;                             \
        while (lo < hi) {                                                                  \
            const size_t mid = lo + (hi - lo) / 2;                                         \
            if (A[mid] <= B[d - 1 - mid])                                                  \
                lo = mid + 1;                                                              \
            else                                                                           \
                hi = mid;                                                                  \
        }                                                                                  \
        return lo;                                                                         \
    }
RS_MERGE_PATH(uint16_t, rs_merge_path_u16)
RS_MERGE_PATH(uint32_t, rs_merge_path_u32)
RS_MERGE_PATH(uint64_t, rs_merge_path_u64)
#undef RS_MERGE_PATH

#endif /* RS_MERGE_PATH_H */
