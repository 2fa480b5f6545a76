/* kernels_shim.c - a C entry for kernels_cmp.py: sorts rows with one kernel table or VQSort.
 * isa: 0 avx512, 1 avx2, 2 VQSort; ks: key bytes; idx non-NULL: stable argsort of u32 keys. */
#include <stdlib.h>
#include <stdint.h>
#include "kernels.h"
extern const rs_kernel_table rs_kernels_avx2, rs_kernels_avx512;
void vq_u16(uint16_t *, size_t); void vq_u32(uint32_t *, size_t); void vq_u64(uint64_t *, size_t);
/* isa: 0 avx512, 1 avx2, 2 vqsort; ks: key bytes; mode 1: argsort pairs (u32 keys, u32 idx out) */
int shim_sort(void *p, size_t rows, size_t n, int ks, int isa, uint32_t *idx) {
  const rs_kernel_table *T = isa == 0 ? &rs_kernels_avx512 : &rs_kernels_avx2;
  void *sc = aligned_alloc(64, (RS_KERNEL_SCRATCH_BYTES(n) + 63) / 64 * 64);
  if (!sc) return -1;
  for (size_t r = 0; r < rows; r++) {
    if (isa == 2) {
      if (idx) { uint64_t *pk = sc; uint32_t *k = (uint32_t *)p + r * n;
        for (size_t j = 0; j < n; j++) pk[j] = (uint64_t)k[j] << 32 | j;
        vq_u64(pk, n);
        for (size_t j = 0; j < n; j++) { k[j] = (uint32_t)(pk[j] >> 32); idx[r * n + j] = (uint32_t)pk[j]; } }
      else if (ks == 2) vq_u16((uint16_t *)p + r * n, n);
      else if (ks == 4) vq_u32((uint32_t *)p + r * n, n);
      else vq_u64((uint64_t *)p + r * n, n);
      continue;
    }
    if (idx) { uint32_t *ix = idx + r * n; for (size_t j = 0; j < n; j++) ix[j] = (uint32_t)j;
      T->sort_u32_i32((uint32_t *)p + r * n, ix, n, sc); continue; }
    if (n <= 64) { /* batch entry */
      if (ks == 2) T->sort_rows_u16(p, rows, n, sc); else if (ks == 4) T->sort_rows_u32(p, rows, n, sc); else T->sort_rows_u64(p, rows, n, sc);
      break; }
    if (ks == 2) T->sort_u16((uint16_t *)p + r * n, n, sc);
    else if (ks == 4) T->sort_u32((uint32_t *)p + r * n, n, sc);
    else T->sort_u64((uint64_t *)p + r * n, n, sc);
  }
  free(sc);
  return 0;
}
