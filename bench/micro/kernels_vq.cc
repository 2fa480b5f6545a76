// kernels_vq.cc - VQSort for kernels_shim.c (one Sorter, reused: libhwy 1.0.3).
#include <hwy/contrib/sort/vqsort.h>
#include <stdint.h>
#include <stddef.h>
static hwy::Sorter *S() { static hwy::Sorter s; return &s; }
extern "C" void vq_u16(uint16_t *p, size_t n) { (*S())(p, n, hwy::SortAscending()); }
extern "C" void vq_u32(uint32_t *p, size_t n) { (*S())(p, n, hwy::SortAscending()); }
extern "C" void vq_u64(uint64_t *p, size_t n) { (*S())(p, n, hwy::SortAscending()); }
