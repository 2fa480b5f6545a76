/*
 * ck_expect.h - an assertion for loops over elements.
 *
 * Check's ck_assert* record the file and line of every assertion that passes (a write to
 * Check's message file each time). Asserted per element, those writes cost far more than the
 * sorts under test (most of test_kernels' run time). CK_EXPECT tests the condition itself and
 * calls Check only when it fails, with the message given.
 */
#ifndef RS_TESTS_CK_EXPECT_H
#define RS_TESTS_CK_EXPECT_H

#include <check.h>

#define CK_EXPECT(cond, ...)           \
    do {                               \
        if (!(cond))                   \
            ck_abort_msg(__VA_ARGS__); \
    } while (0)

#endif /* RS_TESTS_CK_EXPECT_H */
