#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_string(const char *s, size_t n) {
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static void add_field(spec_case *c, const char *line) {
    const char *space = strchr(line, ' ');
    size_t key_len = space ? (size_t)(space - line) : strlen(line);
    c->fields = realloc(c->fields, (c->field_count + 1) * sizeof *c->fields);
    c->fields[c->field_count].key = dup_string(line, key_len);
    c->fields[c->field_count].value = space ? dup_string(space + 1, strlen(space + 1)) : dup_string("", 0);
    c->field_count++;
}

void spec_load(spec *s, const char *dir) {
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/spec.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    spec_case *current = &s->header;
    int in_block = 0, seen_header = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#') continue;
        if (line[0] == '\0') {
            if (in_block) seen_header = 1;
            in_block = 0;
            continue;
        }
        if (!in_block && seen_header) {
            s->cases = realloc(s->cases, (s->case_count + 1) * sizeof *s->cases);
            current = &s->cases[s->case_count++];
            memset(current, 0, sizeof *current);
        }
        in_block = 1;
        add_field(current, line);
    }
    fclose(f);
    s->header.name = "";
    for (size_t i = 0; i < s->case_count; i++) {
        const char *name = spec_get(&s->cases[i], "case");
        s->cases[i].name = name ? name : "";
    }
}

static void free_case(spec_case *c) {
    for (size_t i = 0; i < c->field_count; i++) {
        free(c->fields[i].key);
        free(c->fields[i].value);
    }
    free(c->fields);
}

void spec_free(spec *s) {
    free_case(&s->header);
    for (size_t i = 0; i < s->case_count; i++) free_case(&s->cases[i]);
    free(s->cases);
}

const char *spec_get_nth(const spec_case *c, const char *key, size_t n) {
    for (size_t i = 0; i < c->field_count; i++) {
        if (strcmp(c->fields[i].key, key) == 0 && n-- == 0) return c->fields[i].value;
    }
    return NULL;
}

const char *spec_get(const spec_case *c, const char *key) { return spec_get_nth(c, key, 0); }

const spec_case *spec_find(const spec *s, const char *name) {
    for (size_t i = 0; i < s->case_count; i++) {
        if (strcmp(s->cases[i].name, name) == 0) return &s->cases[i];
    }
    return NULL;
}

void spec_path(const spec *s, const char *relative, char *out, size_t out_size) {
    snprintf(out, out_size, "%s/%s", s->dir, relative);
}

size_t spec_shape(const char *text, int64_t *dims, size_t max_rank) {
    size_t rank = 0;
    const char *p = text;
    while (*p && rank < max_rank) {
        char *end;
        dims[rank++] = strtoll(p, &end, 10);
        p = (*end == ',') ? end + 1 : end;
        if (end == p && *end != ',') break;
    }
    return rank;
}

uint8_t *spec_read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    size_t got = fread(data, 1, (size_t)n, f);
    fclose(f);
    *size = got;
    return data;
}

float *spec_read_f32(const char *path, size_t *count) {
    size_t size = 0;
    uint8_t *bytes = spec_read_file(path, &size);
    if (!bytes) return NULL;
    /* The fixtures are little-endian; so is every machine Onyx ships for. */
    *count = size / sizeof(float);
    return (float *)bytes;
}
