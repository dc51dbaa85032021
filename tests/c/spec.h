/* A reader for tests/suite/spec.txt (format: tests/suite/README.md). */
#ifndef ONYX_TESTS_SPEC_H
#define ONYX_TESTS_SPEC_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *key;
    char *value;
} spec_field;

typedef struct {
    const char *name; /* "" for the header block */
    spec_field *fields;
    size_t field_count;
} spec_case;

typedef struct {
    char dir[4096]; /* folder holding spec.txt, for relative paths */
    spec_case header;
    spec_case *cases;
    size_t case_count;
} spec;

/* Reads dir/spec.txt; exits with a message when it cannot. */
void spec_load(spec *s, const char *dir);
void spec_free(spec *s);

/* The first value of `key`, or NULL. */
const char *spec_get(const spec_case *c, const char *key);
/* The n-th value of `key` (0-based), or NULL. */
const char *spec_get_nth(const spec_case *c, const char *key, size_t n);
const spec_case *spec_find(const spec *s, const char *name);

/* dir/relative, in a static buffer per call site's own copy: caller copies if kept. */
void spec_path(const spec *s, const char *relative, char *out, size_t out_size);

/* "1,3,224,224" -> dims; returns the rank. */
size_t spec_shape(const char *text, int64_t *dims, size_t max_rank);

/* Reads a raw little-endian float32 file; *count gets the number of floats. */
float *spec_read_f32(const char *path, size_t *count);
/* Reads a whole file. */
uint8_t *spec_read_file(const char *path, size_t *size);

#endif
