/*
 * npy_header.c - .npy headers: a strict parser (no eval) and NumPy's exact writer.
 *
 * The header is a Python dict literal, e.g.
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (8, 8192), }
 * NumPy reads it with ast.literal_eval; we accept the subset any NumPy version writes (and a
 * person would type): the three keys in any order, once each, single or double quotes,
 * whitespace anywhere Python allows it, trailing commas, Python 2's 'L' after integers in
 * version 1.0/2.0 files. Everything else is RSIO_BAD_INPUT, never undefined behaviour: the
 * parser reads only buf[0..len) and never allocates.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rsio.h"
#include "rsio_internal.h"

#define MAGIC         "\x93NUMPY"
#define MAGIC_BYTES   6
#define ARRAY_ALIGN   64 /* NumPy aligns the data to 64 bytes since 1.19 */
#define GROWTH_DIGITS 21 /* NumPy pads for shape[0] growing to 21 digits */
#define V1_MAX_HEADER 65535u
#define DESCR_CAP     48 /* longer descrs are unsupported anyway; kept for the message */
#define SUPPORTED_LIST                                                                   \
    "rowsort sorts bool, int8..uint64, float16, bfloat16, float32, float64, complex64, " \
    "complex128"

/* One row per rowsort dtype: NumPy's type kind and itemsize, and the descr we write.
 * bfloat16 has no NumPy kind of its own: ml_dtypes' bfloat16 saves as the 2-byte void '<V2'. */
static const struct npy_type {
    char kind;
    unsigned char itemsize;
    char descr[5];
} npy_types[ROWSORT_DTYPE_COUNT] = {
    [ROWSORT_DTYPE_BOOL] = {'b', 1, "|b1"},   [ROWSORT_DTYPE_I8] = {'i', 1, "|i1"},
    [ROWSORT_DTYPE_U8] = {'u', 1, "|u1"},     [ROWSORT_DTYPE_I16] = {'i', 2, "<i2"},
    [ROWSORT_DTYPE_U16] = {'u', 2, "<u2"},    [ROWSORT_DTYPE_I32] = {'i', 4, "<i4"},
    [ROWSORT_DTYPE_U32] = {'u', 4, "<u4"},    [ROWSORT_DTYPE_I64] = {'i', 8, "<i8"},
    [ROWSORT_DTYPE_U64] = {'u', 8, "<u8"},    [ROWSORT_DTYPE_F16] = {'f', 2, "<f2"},
    [ROWSORT_DTYPE_BF16] = {'V', 2, "<V2"},   [ROWSORT_DTYPE_F32] = {'f', 4, "<f4"},
    [ROWSORT_DTYPE_F64] = {'f', 8, "<f8"},    [ROWSORT_DTYPE_C64] = {'c', 8, "<c8"},
    [ROWSORT_DTYPE_C128] = {'c', 16, "<c16"},
};

size_t rsio_dtype_itemsize(rowsort_dtype dtype)
{
    if ((unsigned)dtype >= (unsigned)ROWSORT_DTYPE_COUNT)
        return 0;
    return npy_types[dtype].itemsize;
}

int rsio_npy_data_bytes(rowsort_dtype dtype, size_t ndim, const size_t *shape, size_t header_bytes,
                        size_t *data_bytes)
{
    const size_t limit = PTRDIFF_MAX; /* the largest object C pointers can span */
    size_t bytes = rsio_dtype_itemsize(dtype);
    int empty = 0;
    for (size_t i = 0; i < ndim; i++) {
        if (shape[i] == 0) {
            empty = 1;
            continue;
        }
        if (bytes > limit / shape[i])
            return -1;
        bytes *= shape[i];
    }
    if (header_bytes > limit || bytes > limit - header_bytes)
        return -1;
    *data_bytes = empty ? 0 : bytes;
    return 0;
}

/* ---- parsing ---- */

typedef struct cursor {
    const unsigned char *start; /* the buffer's first byte: offsets in messages count from it */
    const unsigned char *p;
    const unsigned char *end;
    int version_major;
} cursor;

static int at_end(const cursor *c)
{
    return c->p >= c->end;
}

static int peek(const cursor *c)
{
    return at_end(c) ? -1 : *c->p;
}

static void skip_space(cursor *c)
{
    while (!at_end(c) && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r' ||
                          *c->p == '\f' || *c->p == '\v'))
        c->p++;
}

static int is_ident_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static rsio_kind malformed(rsio_error *err, const cursor *c, const char *what)
{
    return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL, "malformed .npy header: %s (at byte %zu)", what,
                     (size_t)(c->p - c->start));
}

/* Writes s[0..len) into out[0..cap) for a message: printable ASCII kept, other bytes as '?',
 * cut with "..." when long, so a hostile header cannot garble a terminal. */
static void printable(const char *s, size_t len, int truncated, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 4 < cap; i++)
        out[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (truncated || j < len) {
        memcpy(out + j, "...", 3);
        j += 3;
    }
    out[j] = '\0';
}

/* Reads a quoted string into out[0..cap) (NUL-terminated, *truncated set when it was longer);
 * `expected` says what was wanted when there is no quote. Escapes are refused: no key or
 * supported descr contains a backslash. */
static rsio_kind parse_string(cursor *c, const char *expected, char *out, size_t cap, size_t *len,
                              int *truncated, rsio_error *err)
{
    const int quote = peek(c);
    if (quote != '\'' && quote != '"')
        return malformed(err, c, at_end(c) ? "unterminated dict" : expected);
    const cursor open = *c;
    c->p++;
    size_t n = 0;
    *truncated = 0;
    for (;;) {
        const int ch = peek(c);
        if (ch < 0 || ch == '\n' || ch == '\r')
            return malformed(err, &open, "unterminated string");
        if (ch == '\\')
            return malformed(err, c, "escape sequences are not supported in header strings");
        c->p++;
        if (ch == quote)
            break;
        if (n + 1 < cap)
            out[n++] = (char)ch;
        else
            *truncated = 1;
    }
    out[n] = '\0';
    *len = n;
    return RSIO_OK;
}

/* Reads True or False. */
static rsio_kind parse_bool(cursor *c, int *value, rsio_error *err)
{
    static const char words[2][6] = {"False", "True"};
    for (int v = 0; v < 2; v++) {
        const size_t n = strlen(words[v]);
        if ((size_t)(c->end - c->p) >= n && memcmp(c->p, words[v], n) == 0 &&
            !((size_t)(c->end - c->p) > n && is_ident_char(c->p[n]))) {
            c->p += n;
            *value = v;
            return RSIO_OK;
        }
    }
    return malformed(err, c, "'fortran_order' must be True or False");
}

/* Reads a non-negative decimal integer as Python writes it (no leading zeros, no sign), with
 * Python 2's 'L' suffix allowed in version 1.0 and 2.0 headers. */
static rsio_kind parse_dim(cursor *c, size_t *value, rsio_error *err)
{
    if (peek(c) == '-')
        return malformed(err, c, "negative dimension in 'shape'");
    const int first = peek(c);
    if (first < '0' || first > '9')
        return malformed(err, c, "'shape' must be a tuple of integers");
    const cursor number = *c;
    size_t v = 0;
    int overflow = 0;
    int all_zero = 1;
    size_t digits = 0;
    while (!at_end(c) && *c->p >= '0' && *c->p <= '9') {
        const size_t d = (size_t)(*c->p - '0');
        if (v > (SIZE_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
        all_zero &= d == 0;
        digits++;
        c->p++;
    }
    if (first == '0' && digits > 1 && !all_zero)
        return malformed(err, &number, "integer with a leading zero in 'shape'");
    if (c->version_major <= 2 && peek(c) == 'L')
        c->p++;
    if (is_ident_char(peek(c)) || peek(c) == '.')
        return malformed(err, c, "'shape' must be a tuple of integers");
    if (overflow)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "array size overflows: a dimension in 'shape' exceeds %zu (at byte %zu)",
                         (size_t)SIZE_MAX, (size_t)(number.p - number.start));
    *value = v;
    return RSIO_OK;
}

/* Reads a tuple of dimensions: (), (8,), (8, 8192), (8, 8192,). "(8)" is an int, not a
 * tuple, and NumPy refuses it: so do we. */
static rsio_kind parse_shape(cursor *c, rsio_npy_header *hdr, rsio_error *err)
{
    if (peek(c) != '(')
        return malformed(err, c, "'shape' must be a tuple of integers");
    const cursor open = *c;
    c->p++;
    skip_space(c);
    size_t ndim = 0;
    int commas = 0;
    while (peek(c) != ')') {
        size_t dim = 0;
        const rsio_kind k = parse_dim(c, &dim, err);
        if (k != RSIO_OK)
            return k;
        if (ndim == RSIO_MAX_NDIM)
            return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                             "too many dimensions in 'shape' (rowsort reads up to %d)",
                             RSIO_MAX_NDIM);
        hdr->shape[ndim++] = dim;
        skip_space(c);
        if (peek(c) == ',') {
            commas++;
            c->p++;
            skip_space(c);
        } else if (peek(c) != ')') {
            return malformed(err, c,
                             at_end(c) ? "unterminated 'shape' tuple"
                                       : "expected ',' or ')' in 'shape'");
        }
    }
    if (ndim == 1 && commas == 0)
        return malformed(err, &open, "'shape' must be a tuple: write (N,) for one dimension");
    c->p++;
    hdr->ndim = ndim;
    return RSIO_OK;
}

/* Maps a descr string to a dtype: [byte order] kind itemsize, e.g. '<f4', '|b1', 'i8'. */
static rsio_kind parse_descr(const char *s, size_t len, int truncated, rsio_npy_header *hdr,
                             rsio_error *err)
{
    char shown[DESCR_CAP + 8];
    printable(s, len, truncated, shown, sizeof shown);
    const char *body = s;
    char order = '\0'; /* none: native, as NumPy reads 'f4' */
    if (len > 0 && s[0] != '\0' && strchr("<>=|", s[0]) != NULL) {
        order = s[0];
        body++;
    }
    /* len, not strlen: a NUL inside the quotes must not end the descr early. */
    const size_t body_len = len - (size_t)(body - s);
    /* NumPy writes '|O' for object arrays: their data is a pickle, never numbers. */
    if (!truncated && body_len >= 1 && body[0] == 'O' &&
        (body_len == 1 || (body_len == 2 && body[1] == '8')))
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "object arrays are not supported (dtype '%s': the file holds pickled "
                         "Python objects, not numbers)",
                         shown);
    unsigned size = 0;
    char kind = body_len > 0 ? body[0] : '\0';
    int ok = !truncated && body_len >= 2 && body_len <= 3;
    for (size_t i = 1; ok && i < body_len; i++) {
        ok = body[i] >= '0' && body[i] <= '9' && !(i == 1 && body[i] == '0');
        size = size * 10 + (unsigned)(body[i] - '0');
    }
    /* NumPy's one-character type codes, which np.dtype() reads in a header as well (np.save
     * writes the kind-and-size form): '?' bool, 'e' float16, 'd' float64, 'l' and 'p' int64
     * (LP64)... */
    static const struct {
        char code, kind;
        unsigned char size;
    } codes[] = {{'?', 'b', 1}, {'b', 'i', 1}, {'B', 'u', 1}, {'h', 'i', 2}, {'H', 'u', 2},
                 {'i', 'i', 4}, {'I', 'u', 4}, {'l', 'i', 8}, {'L', 'u', 8}, {'q', 'i', 8},
                 {'Q', 'u', 8}, {'e', 'f', 2}, {'f', 'f', 4}, {'d', 'f', 8}, {'F', 'c', 8},
                 {'D', 'c', 16}, {'p', 'i', 8}, {'P', 'u', 8}};
    for (size_t i = 0; !truncated && body_len == 1 && i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == body[0]) {
            kind = codes[i].kind;
            size = codes[i].size;
            ok = 1;
        }
    for (int t = 0; ok && t < ROWSORT_DTYPE_COUNT; t++) {
        if (npy_types[t].kind != kind || npy_types[t].itemsize != size)
            continue;
        /* '|' ("byte order does not apply") on a wider type reads as native, as in NumPy
         * (np.dtype('|f8') is float64). */
        hdr->dtype = (rowsort_dtype)t;
        /* '=' and no order are native; rowsort runs on little-endian machines only. */
        hdr->big_endian = order == '>' && size > 1;
        return RSIO_OK;
    }
    return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL, "unsupported dtype '%s' (" SUPPORTED_LIST ")",
                     shown);
}

/* Parses the dict at [c->p, c->end) into hdr. */
static rsio_kind parse_dict(cursor *c, rsio_npy_header *hdr, rsio_error *err)
{
    enum { KEY_DESCR, KEY_FORTRAN, KEY_SHAPE, KEY_COUNT };
    /* Arrays, not pointers: no relocated data in the library (STYLE: .rodata only). */
    static const char key_names[KEY_COUNT][14] = {"descr", "fortran_order", "shape"};
    int seen[KEY_COUNT] = {0};
    char descr[DESCR_CAP];
    size_t descr_len = 0;
    int descr_truncated = 0;
    rsio_kind k;

    skip_space(c);
    if (peek(c) != '{')
        return malformed(err, c, "expected '{'");
    c->p++;
    skip_space(c);
    while (peek(c) != '}') {
        char key[32];
        size_t key_len;
        int key_truncated;
        const cursor key_at = *c;
        k = parse_string(c, "expected a quoted key", key, sizeof key, &key_len, &key_truncated,
                         err);
        if (k != RSIO_OK)
            return k;
        int which = -1;
        for (int i = 0; i < KEY_COUNT; i++)
            if (!key_truncated && strcmp(key, key_names[i]) == 0)
                which = i;
        char shown[48];
        printable(key, key_len, key_truncated, shown, sizeof shown);
        if (which < 0)
            return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                             "malformed .npy header: unexpected key '%s' (the keys are 'descr', "
                             "'fortran_order' and 'shape') (at byte %zu)",
                             shown, (size_t)(key_at.p - key_at.start));
        if (seen[which])
            return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                             "malformed .npy header: duplicate key '%s' (at byte %zu)", shown,
                             (size_t)(key_at.p - key_at.start));
        seen[which] = 1;
        skip_space(c);
        if (peek(c) != ':')
            return malformed(err, c, "expected ':' after a key");
        c->p++;
        skip_space(c);
        switch (which) {
        case KEY_DESCR:
            if (peek(c) == '[' || peek(c) == '(')
                return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                                 "unsupported dtype: structured and subarray dtypes are not "
                                 "supported (" SUPPORTED_LIST ")");
            k = parse_string(c, "'descr' must be a string such as '<f4'", descr, sizeof descr,
                             &descr_len, &descr_truncated, err);
            break;
        case KEY_FORTRAN:
            k = parse_bool(c, &hdr->fortran_order, err);
            break;
        default:
            k = parse_shape(c, hdr, err);
            break;
        }
        if (k != RSIO_OK)
            return k;
        skip_space(c);
        if (peek(c) == ',') {
            c->p++;
            skip_space(c);
        } else if (peek(c) != '}') {
            return malformed(err, c, at_end(c) ? "unterminated dict" : "expected ',' or '}'");
        }
    }
    c->p++;
    skip_space(c);
    if (!at_end(c))
        return malformed(err, c, "unexpected text after the dict");
    for (int i = 0; i < KEY_COUNT; i++)
        if (!seen[i])
            return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                             "malformed .npy header: the key '%s' is missing", key_names[i]);
    return parse_descr(descr, descr_len, descr_truncated, hdr, err);
}

rsio_kind rsio_npy_parse_header(const void *buf, size_t len, rsio_npy_header *hdr, rsio_error *err)
{
    if (hdr == NULL || (buf == NULL && len > 0))
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL, "no header to parse");
    memset(hdr, 0, sizeof *hdr);
    const unsigned char *b = buf;
    if (len < MAGIC_BYTES || memcmp(b, MAGIC, MAGIC_BYTES) != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL, "not an .npy file (bad magic)");
    if (len < MAGIC_BYTES + 2)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "file is truncated: it ends inside the .npy header");
    const unsigned major = b[6], minor = b[7];
    if (major < 1 || major > 3 || minor != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "unsupported .npy format version %u.%u (rowsort reads 1.0, 2.0 and 3.0)",
                         major, minor);
    const size_t prefix = major == 1 ? 10 : 12;
    if (len < prefix)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "file is truncated: it ends inside the .npy header");
    size_t header_len = (size_t)b[8] | (size_t)b[9] << 8;
    if (major > 1)
        header_len |= (size_t)b[10] << 16 | (size_t)b[11] << 24;
    if (header_len > len - prefix)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "file is truncated: the .npy header says it is %zu bytes long, only %zu "
                         "follow",
                         header_len, len - prefix);

    cursor c = {b, b + prefix, b + prefix + header_len, (int)major};
    const rsio_kind k = parse_dict(&c, hdr, err);
    if (k != RSIO_OK)
        return k;
    hdr->version_major = (int)major;
    hdr->data_offset = prefix + header_len;
    if (rsio_npy_data_bytes(hdr->dtype, hdr->ndim, hdr->shape, hdr->data_offset,
                            &hdr->data_bytes) != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, NULL,
                         "array size overflows: the shape times %zu bytes per element exceeds "
                         "%zu bytes",
                         rsio_dtype_itemsize(hdr->dtype), (size_t)PTRDIFF_MAX);
    return RSIO_OK;
}

/* ---- writing ---- */

/* Appends text to buf[*len..cap), keeping it NUL-terminated; the caller sized buf. */
static void append(char *buf, size_t cap, size_t *len, const char *text)
{
    const size_t n = strlen(text);
    if (*len + n < cap) {
        memcpy(buf + *len, text, n + 1);
        *len += n;
    }
}

size_t rsio_npy_format_header(rowsort_dtype dtype, size_t ndim, const size_t *shape, char *out,
                              size_t cap)
{
    return rsio_npy_format_header_endian(dtype, 0, ndim, shape, out, cap);
}

size_t rsio_npy_format_header_endian(rowsort_dtype dtype, int big_endian, size_t ndim,
                                     const size_t *shape, char *out, size_t cap)
{
    if (rsio_dtype_itemsize(dtype) == 0 || ndim > RSIO_MAX_NDIM || (ndim > 0 && shape == NULL))
        return 0;
    /* The dict exactly as NumPy's _write_array_header writes it: sorted keys, Python reprs,
     * ", " after each value, then spaces so shape[0] can grow to 21 digits in place. Matching
     * NumPy byte for byte lets tests and users compare our outputs with np.save's. */
    char dict[128 + RSIO_MAX_NDIM * 24];
    size_t len = 0;
    dict[0] = '\0';
    append(dict, sizeof dict, &len, "{'descr': '");
    char descr[sizeof npy_types[dtype].descr];
    memcpy(descr, npy_types[dtype].descr, sizeof descr);
    if (big_endian && descr[0] == '<')
        descr[0] = '>'; /* '>V2': bfloat16 read from a '>V2' file, written back as it came */
    append(dict, sizeof dict, &len, descr);
    append(dict, sizeof dict, &len, "', 'fortran_order': False, 'shape': (");
    for (size_t i = 0; i < ndim; i++) {
        char num[24];
        snprintf(num, sizeof num, i + 1 < ndim ? "%zu, " : "%zu", shape[i]);
        append(dict, sizeof dict, &len, num);
    }
    append(dict, sizeof dict, &len, ndim == 1 ? ",), }" : "), }");
    if (ndim > 0) {
        char num[24];
        const int digits = snprintf(num, sizeof num, "%zu", shape[0]);
        for (int i = digits; i < GROWTH_DIGITS; i++)
            append(dict, sizeof dict, &len, " ");
    }

    /* Spaces and a final '\n' pad the header so the data starts on a 64-byte boundary; NumPy
     * always adds at least one space. Version 2.0 only when 1.0's 16-bit length overflows. */
    size_t prefix = 10;
    size_t total = prefix + len + 1;
    total += ARRAY_ALIGN - total % ARRAY_ALIGN;
    if (total - prefix > V1_MAX_HEADER) {
        prefix = 12;
        total = prefix + len + 1;
        total += ARRAY_ALIGN - total % ARRAY_ALIGN;
    }
    if (out == NULL || cap < total)
        return 0;
    const size_t header_len = total - prefix;
    memcpy(out, MAGIC, MAGIC_BYTES);
    out[6] = prefix == 10 ? 1 : 2;
    out[7] = 0;
    for (size_t i = 8; i < prefix; i++)
        out[i] = (char)(header_len >> (8 * (i - 8)) & 0xff);
    memcpy(out + prefix, dict, len);
    memset(out + prefix + len, ' ', total - 1 - prefix - len);
    out[total - 1] = '\n';
    return total;
}
