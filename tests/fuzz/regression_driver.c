/*
 * regression_driver.c - runs fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so
 * ordinary builds (gcc, CTest) replay the seed corpus and every crash ever found.
 * usage: regression_driver FILE|FOLDER...
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one file; returns 0, or 1 when it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) != 0) {
        perror(path);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    /* An exact-size buffer, so ASan catches a read one past the input. */
    const size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size > 0 ? size : 1);
    const int ok = buf != NULL && fread(buf, 1, size, f) == size;
    fclose(f);
    if (ok)
        LLVMFuzzerTestOneInput(buf, size);
    else
        fprintf(stderr, "%s: cannot read\n", path);
    free(buf);
    return !ok;
}

int main(int argc, char **argv)
{
    int errors = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            errors++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            errors += run_file(argv[i]);
            files++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            perror(argv[i]);
            errors++;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            errors += run_file(path);
            files++;
        }
        closedir(d);
    }
    printf("%d inputs run, %d unreadable\n", files, errors);
    return errors == 0 && files > 0 ? 0 : 1;
}
