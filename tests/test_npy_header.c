/* test_npy_header.c - Check suite for io/npy_header.c: the .npy header parser and writer. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsio.h"

#define BUF_CAP 4096

/* Builds magic + version + header length + dict[0..dict_len) (no padding) into buf. */
static size_t make_npy(unsigned major, const char *dict, size_t dict_len, unsigned char *buf)
{
    const size_t prefix = major == 1 ? 10 : 12;
    ck_assert_uint_le(prefix + dict_len, BUF_CAP);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 8; i < prefix; i++)
        buf[i] = (unsigned char)(dict_len >> (8 * (i - 8)));
    memcpy(buf + prefix, dict, dict_len);
    return prefix + dict_len;
}

static rsio_kind parse_dict(unsigned major, const char *dict, size_t dict_len, rsio_npy_header *hdr,
                            rsio_error *err)
{
    unsigned char buf[BUF_CAP];
    const size_t len = make_npy(major, dict, dict_len, buf);
    memset(err, 0, sizeof *err);
    return rsio_npy_parse_header(buf, len, hdr, err);
}

static void expect_ok(unsigned major, const char *dict, rsio_npy_header *hdr)
{
    rsio_error err;
    const rsio_kind k = parse_dict(major, dict, strlen(dict), hdr, &err);
    ck_assert_msg(k == RSIO_OK, "header %s: %s", dict, err.message);
}

static void expect_bad_len(unsigned major, const char *dict, size_t dict_len, const char *needle)
{
    rsio_npy_header hdr;
    rsio_error err;
    const rsio_kind k = parse_dict(major, dict, dict_len, &hdr, &err);
    ck_assert_msg(k == RSIO_BAD_INPUT, "header %s: expected RSIO_BAD_INPUT, got %d", dict, k);
    ck_assert_int_eq(err.kind, RSIO_BAD_INPUT);
    ck_assert_str_eq(err.path, "");
    ck_assert_msg(strstr(err.message, needle) != NULL, "header %s: message '%s' lacks '%s'", dict,
                  err.message, needle);
}

static void expect_bad(unsigned major, const char *dict, const char *needle)
{
    expect_bad_len(major, dict, strlen(dict), needle);
}

/* Where the string needle occurs in buf[0..len), or NULL. */
static const void *contains(const void *buf, size_t len, const char *needle)
{
    const char *b = buf;
    const size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(b + i, needle, n) == 0)
            return b + i;
    return NULL;
}

/* ---- dtypes ---- */

static const struct descr_case {
    const char *descr;
    rowsort_dtype dtype;
    int big_endian;
} descr_cases[] = {
    {"|b1", ROWSORT_DTYPE_BOOL, 0}, {"|i1", ROWSORT_DTYPE_I8, 0},
    {"|u1", ROWSORT_DTYPE_U8, 0},   {"<i2", ROWSORT_DTYPE_I16, 0},
    {"<u2", ROWSORT_DTYPE_U16, 0},  {"<i4", ROWSORT_DTYPE_I32, 0},
    {"<u4", ROWSORT_DTYPE_U32, 0},  {"<i8", ROWSORT_DTYPE_I64, 0},
    {"<u8", ROWSORT_DTYPE_U64, 0},  {"<f2", ROWSORT_DTYPE_F16, 0},
    {"<f4", ROWSORT_DTYPE_F32, 0},  {"<f8", ROWSORT_DTYPE_F64, 0},
    {"<c8", ROWSORT_DTYPE_C64, 0},  {"<c16", ROWSORT_DTYPE_C128, 0},
    {"|V2", ROWSORT_DTYPE_BF16, 0}, {"<V2", ROWSORT_DTYPE_BF16, 0},
    {"=f4", ROWSORT_DTYPE_F32, 0},  {"=i8", ROWSORT_DTYPE_I64, 0},
    {"f8", ROWSORT_DTYPE_F64, 0},   {"u2", ROWSORT_DTYPE_U16, 0},
    {"b1", ROWSORT_DTYPE_BOOL, 0},  {"<i1", ROWSORT_DTYPE_I8, 0},
    {">u1", ROWSORT_DTYPE_U8, 0},   {"=b1", ROWSORT_DTYPE_BOOL, 0},
    {">i2", ROWSORT_DTYPE_I16, 1},  {">u4", ROWSORT_DTYPE_U32, 1},
    {">f8", ROWSORT_DTYPE_F64, 1},  {">c16", ROWSORT_DTYPE_C128, 1},
    {">V2", ROWSORT_DTYPE_BF16, 1}, {">f2", ROWSORT_DTYPE_F16, 1},
    /* NumPy's one-character codes and '|' on wider types, as np.dtype() reads them */
    {"?", ROWSORT_DTYPE_BOOL, 0},   {"|?", ROWSORT_DTYPE_BOOL, 0},
    {"<?", ROWSORT_DTYPE_BOOL, 0},  {"b", ROWSORT_DTYPE_I8, 0},
    {"B", ROWSORT_DTYPE_U8, 0},     {"<h", ROWSORT_DTYPE_I16, 0},
    {">h", ROWSORT_DTYPE_I16, 1},   {"H", ROWSORT_DTYPE_U16, 0},
    {"i", ROWSORT_DTYPE_I32, 0},    {"I", ROWSORT_DTYPE_U32, 0},
    {"l", ROWSORT_DTYPE_I64, 0},    {"L", ROWSORT_DTYPE_U64, 0},
    {"q", ROWSORT_DTYPE_I64, 0},    {"Q", ROWSORT_DTYPE_U64, 0},
    {"<e", ROWSORT_DTYPE_F16, 0},   {"f", ROWSORT_DTYPE_F32, 0},
    {"<f", ROWSORT_DTYPE_F32, 0},   {">d", ROWSORT_DTYPE_F64, 1},
    {"F", ROWSORT_DTYPE_C64, 0},    {"D", ROWSORT_DTYPE_C128, 0},
    {"|i4", ROWSORT_DTYPE_I32, 0},  {"|f8", ROWSORT_DTYPE_F64, 0},
    {"p", ROWSORT_DTYPE_I64, 0},    {"P", ROWSORT_DTYPE_U64, 0},
};

START_TEST(test_every_descr)
{
    const struct descr_case *dc = &descr_cases[_i];
    static const size_t sizes[ROWSORT_DTYPE_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 2, 4, 8, 8, 16};
    char dict[256];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (3, 5), }",
             dc->descr);
    rsio_npy_header hdr;
    expect_ok(1, dict, &hdr);
    ck_assert_int_eq(hdr.dtype, dc->dtype);
    ck_assert_int_eq(hdr.big_endian, dc->big_endian);
    ck_assert_uint_eq(hdr.data_bytes, 15 * sizes[dc->dtype]);
    /* Double quotes are a Python string too. */
    snprintf(dict, sizeof dict, "{\"descr\": \"%s\", \"fortran_order\": False, \"shape\": (3, 5)}",
             dc->descr);
    expect_ok(1, dict, &hdr);
    ck_assert_int_eq(hdr.dtype, dc->dtype);
}
END_TEST

static const char *const unsupported_descrs[] = {
    "<U5", "|S5",  "V4", "|V4",  "<V8", "<M8[ns]", "<m8[s]", "<f16", "<c32", "U",
    "S",   "<i3",  "<g", "G",    "",    "<",       "<f4 ",   " <f4", "<F4",  "f04",
    "<b2", "<u16", "?1", "<f4x", "<c4", "<V2x",    "<f0",    "O4",   "=",    ">",
    "ff",  "<??",  "x",  "M",
};

START_TEST(test_unsupported_descr)
{
    char dict[256];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }",
             unsupported_descrs[_i]);
    char needle[128];
    snprintf(needle, sizeof needle, "unsupported dtype '%s' (rowsort sorts bool, int8..uint64, ",
             unsupported_descrs[_i]);
    expect_bad(1, dict, needle);
}
END_TEST

START_TEST(test_unsupported_message_exact)
{
    rsio_npy_header hdr;
    rsio_error err;
    const char *dict = "{'descr': '<U5', 'fortran_order': False, 'shape': (3,), }";
    ck_assert_int_eq(parse_dict(1, dict, strlen(dict), &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "unsupported dtype '<U5' (rowsort sorts bool, int8..uint64, "
                                  "float16, bfloat16, float32, float64, complex64, complex128)");
    ck_assert_int_eq(err.errno_value, 0);
}
END_TEST

START_TEST(test_object_dtype)
{
    expect_bad(1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
               "object arrays are not supported");
    expect_bad(1, "{'descr': 'O', 'fortran_order': False, 'shape': (3,), }",
               "object arrays are not supported");
    expect_bad(1, "{'descr': '<O8', 'fortran_order': False, 'shape': (3,), }",
               "object arrays are not supported");
}
END_TEST

START_TEST(test_structured_dtype)
{
    expect_bad(1,
               "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }",
               "structured");
    expect_bad(1, "{'descr': ('<f4', (2,)), 'fortran_order': False, 'shape': (3,), }",
               "unsupported dtype");
}
END_TEST

START_TEST(test_descr_nul_and_garbage)
{
    /* A NUL inside the quotes must not shorten '<f4\0' to '<f4'. */
    static const char dict[] = "{'descr': '<f4\0', 'fortran_order': False, 'shape': (3,), }";
    expect_bad_len(1, dict, sizeof dict - 1, "unsupported dtype '<f4?'");
    static const char nul_first[] = "{'descr': '\0f4', 'fortran_order': False, 'shape': (3,), }";
    expect_bad_len(1, nul_first, sizeof nul_first - 1, "unsupported dtype '?f4'");
    /* Control bytes become '?' and a long descr is cut, so messages stay printable. */
    expect_bad(1, "{'descr': '\x1b[31m', 'fortran_order': False, 'shape': (3,), }",
               "unsupported dtype '?[31m'");
    char dict2[512];
    snprintf(dict2, sizeof dict2, "{'descr': '%0200d', 'fortran_order': False, 'shape': (3,)}", 7);
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(parse_dict(1, dict2, strlen(dict2), &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "...'"));
    ck_assert_uint_lt(strlen(err.message), 200);
}
END_TEST

/* ---- versions, offsets, shapes ---- */

START_TEST(test_versions)
{
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 8192), }\n";
    for (unsigned major = 1; major <= 3; major++) {
        rsio_npy_header hdr;
        expect_ok(major, dict, &hdr);
        ck_assert_int_eq(hdr.version_major, (int)major);
        ck_assert_uint_eq(hdr.data_offset, (major == 1 ? 10 : 12) + strlen(dict));
        ck_assert_uint_eq(hdr.ndim, 2);
        ck_assert_uint_eq(hdr.shape[0], 8);
        ck_assert_uint_eq(hdr.shape[1], 8192);
        ck_assert_uint_eq(hdr.data_bytes, 8 * 8192 * 4);
        ck_assert_int_eq(hdr.fortran_order, 0);
    }
}
END_TEST

START_TEST(test_bad_versions)
{
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (8,), }";
    expect_bad(4, dict, "unsupported .npy format version 4.0");
    expect_bad(0, dict, "unsupported .npy format version 0.0");
    unsigned char buf[BUF_CAP];
    const size_t len = make_npy(1, dict, strlen(dict), buf);
    buf[7] = 1;
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header(buf, len, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "version 1.1"));
}
END_TEST

START_TEST(test_v2_long_header)
{
    /* A version 2.0 header longer than 65535 bytes (whitespace padding). */
    const char *head = "{'descr': '<i2', 'fortran_order': True, 'shape': (7,), }";
    const size_t pad = 70000;
    const size_t dict_len = strlen(head) + pad;
    unsigned char *buf = malloc(12 + dict_len);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\x93NUMPY\x02\x00", 8);
    for (size_t i = 0; i < 4; i++)
        buf[8 + i] = (unsigned char)(dict_len >> (8 * i));
    memcpy(buf + 12, head, strlen(head));
    memset(buf + 12 + strlen(head), ' ', pad);
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header(buf, 12 + dict_len, &hdr, &err), RSIO_OK);
    ck_assert_uint_eq(hdr.data_offset, 12 + dict_len);
    ck_assert_int_eq(hdr.fortran_order, 1);
    ck_assert_uint_eq(hdr.data_bytes, 14);
    /* One byte short: the length runs past the buffer. */
    ck_assert_int_eq(rsio_npy_parse_header(buf, 12 + dict_len - 1, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "file is truncated"));
    free(buf);
}
END_TEST

START_TEST(test_len_beyond_header)
{
    /* The buffer may hold data after the header: it is not parsed. */
    const char *dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }";
    unsigned char buf[BUF_CAP];
    const size_t len = make_npy(1, dict, strlen(dict), buf);
    memcpy(buf + len, "}}}}", 4);
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header(buf, len + 4, &hdr, &err), RSIO_OK);
    ck_assert_uint_eq(hdr.data_offset, len);
    ck_assert_uint_eq(hdr.data_bytes, 4);
}
END_TEST

static const struct shape_case {
    const char *text;
    size_t ndim;
    size_t shape[4];
} shape_cases[] = {
    {"()", 0, {0}},
    {"( )", 0, {0}},
    {"(8,)", 1, {8}},
    {"( 8 , )", 1, {8}},
    {"(8, 8192)", 2, {8, 8192}},
    {"(8, 8192,)", 2, {8, 8192}},
    {"(8,8192 , )", 2, {8, 8192}},
    {"(2, 3, 4)", 3, {2, 3, 4}},
    {"(2, 3, 4, 5)", 4, {2, 3, 4, 5}},
    {"(0,)", 1, {0}},
    {"(0, 5)", 2, {0, 5}},
    {"(5, 0)", 2, {5, 0}},
    {"(00, 5)", 2, {0, 5}},
    {"(\n1,\t2\n)", 2, {1, 2}},
    {"(18446744073709551615, 0)", 2, {SIZE_MAX, 0}},
};

START_TEST(test_shapes)
{
    const struct shape_case *sc = &shape_cases[_i];
    char dict[256];
    snprintf(dict, sizeof dict, "{'descr': '<i4', 'fortran_order': False, 'shape': %s, }",
             sc->text);
    rsio_npy_header hdr;
    if (sc->shape[0] == SIZE_MAX) {
        /* NumPy refuses a huge axis even beside a zero one: "array is too big". */
        expect_bad(1, dict, "array size overflows");
        return;
    }
    expect_ok(1, dict, &hdr);
    ck_assert_uint_eq(hdr.ndim, sc->ndim);
    size_t count = 1;
    for (size_t i = 0; i < sc->ndim; i++) {
        ck_assert_uint_eq(hdr.shape[i], sc->shape[i]);
        count *= sc->shape[i];
    }
    ck_assert_uint_eq(hdr.data_bytes, count * 4);
}
END_TEST

START_TEST(test_max_ndim)
{
    char dict[1024] = "{'descr': '|u1', 'fortran_order': False, 'shape': (";
    for (int i = 0; i < RSIO_MAX_NDIM; i++)
        strcat(dict, "2, ");
    strcat(dict, "), }");
    rsio_npy_header hdr;
    expect_ok(1, dict, &hdr);
    ck_assert_uint_eq(hdr.ndim, RSIO_MAX_NDIM);
    ck_assert_uint_eq(hdr.data_bytes, (size_t)1 << RSIO_MAX_NDIM);
    /* One more is refused, not written past shape[]. */
    char *end = strstr(dict, "), }");
    strcpy(end, "2, ), }");
    expect_bad(1, dict, "too many dimensions");
}
END_TEST

START_TEST(test_key_orders)
{
    static const char *const entries[3] = {"'descr': '<u8'", "'fortran_order': True",
                                           "'shape': (2, 3)"};
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
        for (int trailing = 0; trailing < 2; trailing++) {
            char dict[256];
            snprintf(dict, sizeof dict, "{%s, %s, %s%s}", entries[orders[o][0]],
                     entries[orders[o][1]], entries[orders[o][2]], trailing ? "," : "");
            rsio_npy_header hdr;
            expect_ok(1, dict, &hdr);
            ck_assert_int_eq(hdr.dtype, ROWSORT_DTYPE_U64);
            ck_assert_int_eq(hdr.fortran_order, 1);
            ck_assert_uint_eq(hdr.ndim, 2);
            ck_assert_uint_eq(hdr.data_bytes, 48);
        }
    }
}
END_TEST

START_TEST(test_whitespace)
{
    rsio_npy_header hdr;
    expect_ok(1,
              " \t\n{ \n'descr'\t:\r\n'<f8' ,\n 'fortran_order' :False\t,'shape':(4 ,)  ,\n}"
              "     \n",
              &hdr);
    ck_assert_int_eq(hdr.dtype, ROWSORT_DTYPE_F64);
    ck_assert_uint_eq(hdr.shape[0], 4);
    expect_ok(1, "{'descr':'<f8','fortran_order':False,'shape':(4,)}", &hdr);
    ck_assert_uint_eq(hdr.data_bytes, 32);
}
END_TEST

START_TEST(test_python2_long_suffix)
{
    rsio_npy_header hdr;
    expect_ok(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8L, 8192L), }", &hdr);
    ck_assert_uint_eq(hdr.shape[1], 8192);
    expect_ok(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (8L,), }", &hdr);
    /* Version 3.0 files come from Python 3 only. */
    expect_bad(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (8L,), }",
               "tuple of integers");
    expect_bad(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8l,), }",
               "tuple of integers");
    expect_bad(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8LL,), }",
               "tuple of integers");
}
END_TEST

/* ---- malformed headers ---- */

static const struct bad_case {
    const char *dict;
    const char *needle;
} bad_cases[] = {
    {"", "expected '{'"},
    {"   \n", "expected '{'"},
    {"[]", "expected '{'"},
    {"x{'descr': '<f4', 'fortran_order': False, 'shape': (8,)}", "expected '{'"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,)} x", "unexpected text after"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,)}}", "unexpected text after"},
    {"{}", "the key 'descr' is missing"},
    {"{'descr': '<f4', 'shape': (8,)}", "the key 'fortran_order' is missing"},
    {"{'descr': '<f4', 'fortran_order': False}", "the key 'shape' is missing"},
    {"{'fortran_order': False, 'shape': (8,)}", "the key 'descr' is missing"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,), 'shape': (8,)}",
     "duplicate key 'shape'"},
    {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (8,)}",
     "duplicate key 'descr'"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,), 'foo': 1}", "unexpected key 'foo'"},
    {"{'Descr': '<f4', 'fortran_order': False, 'shape': (8,)}", "unexpected key 'Descr'"},
    {"{'descr ': '<f4', 'fortran_order': False, 'shape': (8,)}", "unexpected key 'descr '"},
    {"{'a_very_long_key_that_does_not_fit_anywhere_at_all': 1}", "unexpected key 'a_very_long"},
    {"{descr: '<f4', 'fortran_order': False, 'shape': (8,)}", "expected a quoted key"},
    {"{'descr' '<f4', 'fortran_order': False, 'shape': (8,)}", "expected ':'"},
    {"{'descr': '<f4' 'fortran_order': False, 'shape': (8,)}", "expected ',' or '}'"},
    {"{'descr': '<f4',, 'fortran_order': False, 'shape': (8,)}", "expected a quoted key"},
    {"{,}", "expected a quoted key"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,)", "unterminated dict"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,),", "unterminated dict"},
    {"{'descr': '<f4, 'fortran_order': False, 'shape': (8,)}", "expected ',' or '}'"},
    {"{'descr': '<f4", "unterminated string"},
    {"{'descr': '<f4\n', 'fortran_order': False, 'shape': (8,)}", "unterminated string"},
    {"{'descr': \"<f4', 'fortran_order': False, 'shape': (8,)}", "unterminated string"},
    {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (8,)}", "escape sequences"},
    {"{'descr': <f4, 'fortran_order': False, 'shape': (8,)}", "'descr' must be a string"},
    {"{'descr': {'a': 1}, 'fortran_order': False, 'shape': (8,)}", "'descr' must be a string"},
    {"{'descr': '<f4', 'fortran_order': 0, 'shape': (8,)}", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': 'False', 'shape': (8,)}", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': false, 'shape': (8,)}", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (8,)}", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': None, 'shape': (8,)}", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': Fals", "must be True or False"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "negative dimension"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8, -0)}", "negative dimension"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8)}", "write (N,)"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': 8}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': [8]}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': ((8,),)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': ('8',)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8.0,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8e3,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (0x8,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (+8,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (True,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (1_000,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (08,)}", "leading zero"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,,)}", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8 9)}", "expected ',' or ')'"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8,", "tuple of integers"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (8", "unterminated 'shape' tuple"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551616,)}",
     "array size overflows"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999999,)}",
     "array size overflows"},
    {"{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
     "array size overflows"},
    {"{'descr': '<f4', 'fortran_order': False, 'shape': (2305843009213693952,)}",
     "array size overflows"},
    {"{'descr': '<c16', 'fortran_order': False, 'shape': (0, 4611686018427387904)}",
     "array size overflows"},
    {"{'descr': '|u1', 'fortran_order': False, 'shape': (9223372036854775807,)}",
     "array size overflows"},
};

START_TEST(test_malformed)
{
    const struct bad_case *bc = &bad_cases[_i];
    /* Embedded NULs count: the dict's length is its literal's. */
    expect_bad(1, bc->dict, bc->needle);
    expect_bad(3, bc->dict, bc->needle);
}
END_TEST

START_TEST(test_malformed_nul_after_dict)
{
    static const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (8,)}\0";
    expect_bad_len(1, dict, sizeof dict - 1, "unexpected text after");
}
END_TEST

START_TEST(test_largest_sizes)
{
    /* The largest u1 array whose file still fits PTRDIFF_MAX parses; one byte more does not.
     * PTRDIFF_MAX - 100 has as many digits as the answer, so it gives the header's length. */
    char dict[256];
    const char *fmt = "{'descr': '|u1', 'fortran_order': False, 'shape': (%zu,)}";
    snprintf(dict, sizeof dict, fmt, (size_t)PTRDIFF_MAX - 100);
    const size_t offset = 10 + strlen(dict);
    snprintf(dict, sizeof dict, fmt, (size_t)PTRDIFF_MAX - offset);
    rsio_npy_header hdr;
    expect_ok(1, dict, &hdr);
    ck_assert_uint_eq(hdr.data_offset + hdr.data_bytes, (size_t)PTRDIFF_MAX);
    snprintf(dict, sizeof dict, fmt, (size_t)PTRDIFF_MAX - offset + 1);
    expect_bad(1, dict, "array size overflows");
}
END_TEST

START_TEST(test_bad_magic_and_truncation)
{
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header("", 0, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "not an .npy file (bad magic)");
    ck_assert_int_eq(rsio_npy_parse_header(NULL, 0, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "not an .npy file (bad magic)");
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUM", 4, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "not an .npy file (bad magic)");
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPX\x01\x00\x10\x00", 10, &hdr, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "not an .npy file (bad magic)");
    static const char npz[] = "PK\x03\x04 an npz file";
    ck_assert_int_eq(rsio_npy_parse_header(npz, sizeof npz - 1, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "not an .npy file (bad magic)");
    /* Magic, then the file ends inside the version or the length. */
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY\x01", 7, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "file is truncated"));
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY\x01\x00\x10", 9, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "file is truncated"));
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY\x02\x00\x10\x00\x00", 11, &hdr, &err),
                     RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "file is truncated"));
    /* A header length past the end of the buffer, in every version. */
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY\x01\x00\x10\x00{}", 12, &hdr, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message,
                     "file is truncated: the .npy header says it is 16 bytes long, only 2 follow");
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY\x03\x00\xff\xff\xff\xff{}", 14, &hdr, &err),
                     RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "4294967295 bytes long"));
    ck_assert_int_eq(rsio_npy_parse_header(NULL, 5, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_npy_parse_header("\x93NUMPY", 6, NULL, &err), RSIO_BAD_INPUT);
    /* err may be NULL: only the kind comes back. */
    ck_assert_int_eq(rsio_npy_parse_header("xx", 2, &hdr, NULL), RSIO_BAD_INPUT);
}
END_TEST

START_TEST(test_message_offsets)
{
    rsio_npy_header hdr;
    rsio_error err;
    const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (8 9)}";
    ck_assert_int_eq(parse_dict(1, dict, strlen(dict), &hdr, &err), RSIO_BAD_INPUT);
    /* Byte offsets count from the start of the file: 10-byte prefix + position in the dict. */
    char expected[128];
    snprintf(expected, sizeof expected,
             "malformed .npy header: expected ',' or ')' in 'shape' (at byte %zu)",
             10 + (size_t)(strstr(dict, "9)") - dict));
    ck_assert_str_eq(err.message, expected);
}
END_TEST

/* ---- writing ---- */

START_TEST(test_format_exact_bytes)
{
    /* What np.save writes (NumPy >= 1.24: 21-digit growth room for shape[0], 64-byte align). */
    char out[256];
    size_t shape[2] = {8, 8192};
    size_t len = rsio_npy_format_header(ROWSORT_DTYPE_F32, 2, shape, out, sizeof out);
    static const char f32_2d[] = "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (8, 8192), }"
                                 "                                "
                                 "                       \n";
    ck_assert_uint_eq(len, 128);
    ck_assert_uint_eq(sizeof f32_2d - 1, 128);
    ck_assert_mem_eq(out, f32_2d, 128);

    len = rsio_npy_format_header(ROWSORT_DTYPE_BOOL, 1, shape, out, sizeof out);
    ck_assert_uint_eq(len, 128);
    ck_assert_ptr_nonnull(contains(out, len,
                                   "{'descr': '|b1', 'fortran_order': False, "
                                   "'shape': (8,), }"));
    len = rsio_npy_format_header(ROWSORT_DTYPE_C128, 0, NULL, out, sizeof out);
    ck_assert_uint_eq(len, 128);
    ck_assert_ptr_nonnull(
        contains(out, len, "{'descr': '<c16', 'fortran_order': False, 'shape': (), }  "));
    ck_assert_int_eq(out[len - 1], '\n');
    len = rsio_npy_format_header(ROWSORT_DTYPE_BF16, 1, shape, out, sizeof out);
    ck_assert_ptr_nonnull(contains(out, len, "'descr': '<V2'"));
}
END_TEST

START_TEST(test_format_limits)
{
    char out[4096];
    size_t shape[RSIO_MAX_NDIM + 1];
    for (size_t i = 0; i <= RSIO_MAX_NDIM; i++)
        shape[i] = SIZE_MAX;
    ck_assert_uint_eq(rsio_npy_format_header(ROWSORT_DTYPE_COUNT, 1, shape, out, sizeof out), 0);
    ck_assert_uint_eq(rsio_npy_format_header((rowsort_dtype)-1, 1, shape, out, sizeof out), 0);
    ck_assert_uint_eq(
        rsio_npy_format_header(ROWSORT_DTYPE_F32, RSIO_MAX_NDIM + 1, shape, out, sizeof out), 0);
    ck_assert_uint_eq(rsio_npy_format_header(ROWSORT_DTYPE_F32, 2, NULL, out, sizeof out), 0);
    /* The longest header: 32 axes of 20 digits. */
    const size_t len =
        rsio_npy_format_header(ROWSORT_DTYPE_F32, RSIO_MAX_NDIM, shape, out, sizeof out);
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(len % 64, 0);
    ck_assert_uint_eq(rsio_npy_format_header(ROWSORT_DTYPE_F32, RSIO_MAX_NDIM, shape, out, len),
                      len);
    ck_assert_uint_eq(rsio_npy_format_header(ROWSORT_DTYPE_F32, RSIO_MAX_NDIM, shape, out, len - 1),
                      0);
    ck_assert_uint_eq(rsio_npy_format_header(ROWSORT_DTYPE_F32, RSIO_MAX_NDIM, shape, NULL, 0), 0);
    /* It parses back, but its size overflows. */
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header(out, len, &hdr, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "array size overflows"));
}
END_TEST

static const size_t round_trip_shapes[][5] = {
    /* ndim, dims... */
    {0},
    {1, 0},
    {1, 1},
    {1, 8},
    {2, 8, 8192},
    {2, 0, 7},
    {2, 7, 0},
    {3, 2, 3, 4},
    {4, 1, 1, 1, 1},
    {2, 123456789, 3},
    {1, 99999},
    {2, 1000000000, 1000},
};

START_TEST(test_round_trip)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    static const size_t sizes[ROWSORT_DTYPE_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 2, 4, 8, 8, 16};
    for (size_t s = 0; s < sizeof round_trip_shapes / sizeof round_trip_shapes[0]; s++) {
        const size_t ndim = round_trip_shapes[s][0];
        const size_t *shape = &round_trip_shapes[s][1];
        char out[1024];
        const size_t len = rsio_npy_format_header(dtype, ndim, shape, out, sizeof out);
        ck_assert_uint_gt(len, 0);
        ck_assert_uint_eq(len % 64, 0);
        ck_assert_int_eq(out[len - 1], '\n');
        rsio_npy_header hdr;
        rsio_error err;
        /* Parse with trailing data too: only the header is read. */
        ck_assert_msg(rsio_npy_parse_header(out, len, &hdr, &err) == RSIO_OK, "%s", err.message);
        ck_assert_int_eq(hdr.version_major, 1);
        ck_assert_int_eq(hdr.dtype, dtype);
        ck_assert_int_eq(hdr.fortran_order, 0);
        ck_assert_int_eq(hdr.big_endian, 0);
        ck_assert_uint_eq(hdr.ndim, ndim);
        ck_assert_uint_eq(hdr.data_offset, len);
        size_t count = 1;
        for (size_t i = 0; i < ndim; i++) {
            ck_assert_uint_eq(hdr.shape[i], shape[i]);
            count *= shape[i];
        }
        ck_assert_uint_eq(hdr.data_bytes, count * sizes[dtype]);
    }
}
END_TEST

/* ---- rsio_fail ---- */

START_TEST(test_fail)
{
    ck_assert_int_eq(rsio_fail(NULL, RSIO_RUNTIME, 5, "x", "y %d", 1), RSIO_RUNTIME);
    rsio_error err;
    ck_assert_int_eq(rsio_fail(&err, RSIO_BAD_INPUT, 2, "in.npy", "bad %s %zu", "thing", (size_t)7),
                     RSIO_BAD_INPUT);
    ck_assert_int_eq(err.kind, RSIO_BAD_INPUT);
    ck_assert_int_eq(err.errno_value, 2);
    ck_assert_str_eq(err.path, "in.npy");
    ck_assert_str_eq(err.message, "bad thing 7");
    ck_assert_int_eq(rsio_fail(&err, RSIO_RUNTIME, 0, NULL, "m"), RSIO_RUNTIME);
    ck_assert_str_eq(err.path, "");
    /* Long paths and messages are cut, never overflowed. */
    char long_path[3000];
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    rsio_fail(&err, RSIO_RUNTIME, 0, long_path, "%s", long_path);
    ck_assert_uint_eq(strlen(err.path), sizeof err.path - 1);
    ck_assert_uint_eq(strlen(err.message), sizeof err.message - 1);
    /* The error's own path may be passed back in. */
    rsio_fail(&err, RSIO_RUNTIME, 0, "same", "m");
    rsio_fail(&err, RSIO_BAD_INPUT, 0, err.path, "again");
    ck_assert_str_eq(err.path, "same");
}
END_TEST

static Suite *npy_header_suite(void)
{
    Suite *s = suite_create("npy_header");
    TCase *tc = tcase_create("dtypes");
    tcase_add_loop_test(tc, test_every_descr, 0, sizeof descr_cases / sizeof descr_cases[0]);
    tcase_add_loop_test(tc, test_unsupported_descr, 0,
                        sizeof unsupported_descrs / sizeof unsupported_descrs[0]);
    tcase_add_test(tc, test_unsupported_message_exact);
    tcase_add_test(tc, test_object_dtype);
    tcase_add_test(tc, test_structured_dtype);
    tcase_add_test(tc, test_descr_nul_and_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("layout");
    tcase_add_test(tc, test_versions);
    tcase_add_test(tc, test_bad_versions);
    tcase_add_test(tc, test_v2_long_header);
    tcase_add_test(tc, test_len_beyond_header);
    tcase_add_loop_test(tc, test_shapes, 0, sizeof shape_cases / sizeof shape_cases[0]);
    tcase_add_test(tc, test_max_ndim);
    tcase_add_test(tc, test_key_orders);
    tcase_add_test(tc, test_whitespace);
    tcase_add_test(tc, test_python2_long_suffix);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_loop_test(tc, test_malformed, 0, sizeof bad_cases / sizeof bad_cases[0]);
    tcase_add_test(tc, test_malformed_nul_after_dict);
    tcase_add_test(tc, test_largest_sizes);
    tcase_add_test(tc, test_bad_magic_and_truncation);
    tcase_add_test(tc, test_message_offsets);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, test_format_exact_bytes);
    tcase_add_test(tc, test_format_limits);
    tcase_add_loop_test(tc, test_round_trip, 0, ROWSORT_DTYPE_COUNT);
    tcase_add_test(tc, test_fail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(npy_header_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
