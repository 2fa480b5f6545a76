/* byteswap.c - big-endian items to this machine's order and back (the same operation). */
#include <stdint.h>
#include <string.h>

#include "rsio.h"
#include "rsio_internal.h"

void rsio_byteswap(rowsort_dtype dtype, void *items, size_t count)
{
    size_t width = rsio_dtype_itemsize(dtype);
    if (dtype == ROWSORT_DTYPE_C64 || dtype == ROWSORT_DTYPE_C128) {
        width /= 2; /* each half on its own: real, imaginary */
        count *= 2;
    }
    unsigned char *p = items;
    switch (width) {
    case 2:
        for (size_t i = 0; i < count; i++, p += 2) {
            uint16_t v;
            memcpy(&v, p, 2);
            v = __builtin_bswap16(v);
            memcpy(p, &v, 2);
        }
        break;
    case 4:
        for (size_t i = 0; i < count; i++, p += 4) {
            uint32_t v;
            memcpy(&v, p, 4);
            v = __builtin_bswap32(v);
            memcpy(p, &v, 4);
        }
        break;
    case 8:
        for (size_t i = 0; i < count; i++, p += 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            v = __builtin_bswap64(v);
            memcpy(p, &v, 8);
        }
        break;
    default: /* 1-byte items have no byte order */
        break;
    }
}
