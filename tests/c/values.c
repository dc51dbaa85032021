/* See values.h. Format: tests/conformance/README.md. */
#define _POSIX_C_SOURCE 200809L
#include "values.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

enum { MAX_VALUES = 64, MAX_RANK = 16 };

typedef struct {
    char *why;
    size_t why_size;
    const char *dir;
    char **tokens;
    size_t count, at;
} reader;

static void say(char *why, size_t size, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(why, size, format, args);
    va_end(args);
}

/* Records a failed status as the reason; frees it. Returns 1 if it failed. */
static int status_failed(onyx_status *status, char *why, size_t size, const char *what) {
    if (!status) return 0;
    say(why, size, "%s: %s (%s)", what, onyx_status_message(status), onyx_error_code_name(onyx_status_code(status)));
    onyx_status_free(status);
    return 1;
}

static const char *next(reader *r) {
    return r->at < r->count ? r->tokens[r->at++] : NULL;
}

static onyx_tensor *read_tensor(reader *r) {
    const char *type_text = next(r), *dims_text = next(r), *file = next(r);
    if (!file) {
        say(r->why, r->why_size, "a tensor value ends too early");
        return NULL;
    }
    uint32_t element_type = (uint32_t)strtoul(type_text, NULL, 10);
    int64_t shape[MAX_RANK];
    size_t rank = 0;
    char dims[256];
    snprintf(dims, sizeof dims, "%s", dims_text + 1); /* skip '[' */
    char *close = strchr(dims, ']');
    if (close) *close = '\0';
    if (dims[0]) rank = spec_shape(dims, shape, MAX_RANK);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", r->dir, file);
    size_t size = 0;
    uint8_t *bytes = spec_read_file(path, &size);
    if (!bytes) {
        say(r->why, r->why_size, "cannot read %s", path);
        return NULL;
    }
    onyx_tensor *tensor = NULL;
    onyx_status *status;
    if (element_type == ONYX_ELEMENT_STRING) {
        /* Each element: a u32 little-endian byte length, then the UTF-8 bytes. */
        size_t n = 0, at = 0, capacity = 16;
        const char **strings = malloc(capacity * sizeof *strings);
        size_t *lengths = malloc(capacity * sizeof *lengths);
        while (at + 4 <= size) {
            uint32_t length = (uint32_t)bytes[at] | (uint32_t)bytes[at + 1] << 8 | (uint32_t)bytes[at + 2] << 16 | (uint32_t)bytes[at + 3] << 24;
            if (n == capacity) {
                capacity *= 2;
                strings = realloc(strings, capacity * sizeof *strings);
                lengths = realloc(lengths, capacity * sizeof *lengths);
            }
            strings[n] = (const char *)bytes + at + 4;
            lengths[n++] = length;
            at += 4 + (size_t)length;
        }
        status = onyx_tensor_create_strings(shape, rank, strings, lengths, n, &tensor);
        free(strings);
        free(lengths);
    } else {
        status = onyx_tensor_create_copy(element_type, shape, rank, bytes, size, &tensor);
    }
    free(bytes);
    if (status_failed(status, r->why, r->why_size, path)) return NULL;
    return tensor;
}

static onyx_value *read_value(reader *r) {
    const char *kind = next(r);
    onyx_value *value = NULL;
    if (!kind) {
        say(r->why, r->why_size, "a value ends too early");
        return NULL;
    }
    if (!strcmp(kind, "tensor")) {
        onyx_tensor *tensor = read_tensor(r);
        if (!tensor || status_failed(onyx_value_create_tensor(tensor, &value), r->why, r->why_size, "a tensor value")) return NULL;
        return value;
    }
    if (!strcmp(kind, "sequence")) {
        const char *count_text = next(r);
        size_t count = count_text ? strtoul(count_text, NULL, 10) : 0;
        if (count == 0) next(r); /* the element type an empty sequence would hold */
        onyx_value **items = calloc(count ? count : 1, sizeof *items);
        for (size_t i = 0; i < count; i++) {
            items[i] = read_value(r);
            if (!items[i]) {
                for (size_t j = 0; j < i; j++) onyx_value_free(items[j]);
                free(items);
                return NULL;
            }
        }
        onyx_status *status = onyx_value_create_sequence(items, count, &value);
        free(items);
        return status_failed(status, r->why, r->why_size, "a sequence") ? NULL : value;
    }
    if (!strcmp(kind, "map")) {
        if (!next(r)) return NULL; /* "tensor" */
        onyx_tensor *keys = read_tensor(r);
        if (!keys) return NULL;
        if (!next(r)) { onyx_tensor_free(keys); return NULL; }
        onyx_tensor *values = read_tensor(r);
        if (!values) { onyx_tensor_free(keys); return NULL; }
        return status_failed(onyx_value_create_map(keys, values, &value), r->why, r->why_size, "a map") ? NULL : value;
    }
    if (!strcmp(kind, "optional")) {
        onyx_value *item = NULL;
        if (r->at < r->count && !strcmp(r->tokens[r->at], "none")) {
            r->at++;
        } else if (!(item = read_value(r))) {
            return NULL;
        }
        return status_failed(onyx_value_create_optional(item, &value), r->why, r->why_size, "an optional") ? NULL : value;
    }
    say(r->why, r->why_size, "unknown value kind '%s'", kind);
    return NULL;
}

/* The element `i` of a float tensor as a double; 0 for other types. */
static double float_at(const onyx_tensor *t, size_t i) {
    const void *data = onyx_tensor_data(t);
    switch (onyx_tensor_element_type(t)) {
    case ONYX_ELEMENT_FLOAT32: return ((const float *)data)[i];
    case ONYX_ELEMENT_FLOAT64: return ((const double *)data)[i];
    case ONYX_ELEMENT_FLOAT16: return onyx_float16_to_float32(((const uint16_t *)data)[i]);
    case ONYX_ELEMENT_BFLOAT16: return onyx_bfloat16_to_float32(((const uint16_t *)data)[i]);
    default: return 0;
    }
}

static int compare_tensors(const onyx_tensor *got, const onyx_tensor *want, int shape_only, char *why, size_t size) {
    uint32_t type = onyx_tensor_element_type(got);
    if (type != onyx_tensor_element_type(want)) {
        say(why, size, "%s elements, expected %s", onyx_element_type_name(type), onyx_element_type_name(onyx_tensor_element_type(want)));
        return 1;
    }
    size_t rank = onyx_tensor_rank(got);
    if (rank != onyx_tensor_rank(want) || (rank && memcmp(onyx_tensor_shape(got), onyx_tensor_shape(want), rank * sizeof(int64_t)))) {
        say(why, size, "shape of rank %zu differs from the expected one (rank %zu)", rank, onyx_tensor_rank(want));
        return 1;
    }
    if (shape_only) return 0;
    size_t count = onyx_tensor_element_count(got);
    if (type == ONYX_ELEMENT_FLOAT32 || type == ONYX_ELEMENT_FLOAT64 || type == ONYX_ELEMENT_FLOAT16 || type == ONYX_ELEMENT_BFLOAT16) {
        for (size_t i = 0; i < count; i++) {
            double g = float_at(got, i), w = float_at(want, i);
            if ((isnan(g) && isnan(w)) || g == w || fabs(g - w) <= 1e-5 + 1e-3 * fabs(w)) continue;
            say(why, size, "element %zu is %g, expected %g (atol 1e-5, rtol 1e-3)", i, g, w);
            return 1;
        }
        return 0;
    }
    if (type == ONYX_ELEMENT_STRING) {
        for (size_t i = 0; i < count; i++) {
            const char *g, *w;
            size_t gl, wl;
            if (status_failed(onyx_tensor_string(got, i, &g, &gl), why, size, "reading a string")) return 1;
            if (status_failed(onyx_tensor_string(want, i, &w, &wl), why, size, "reading a string")) return 1;
            if (gl != wl || memcmp(g, w, gl)) {
                say(why, size, "string %zu is \"%.*s\", expected \"%.*s\"", i, (int)gl, g, (int)wl, w);
                return 1;
            }
        }
        return 0;
    }
    size_t bytes = onyx_tensor_byte_length(got);
    if (bytes != onyx_tensor_byte_length(want) || (bytes && memcmp(onyx_tensor_data(got), onyx_tensor_data(want), bytes))) {
        say(why, size, "the %s elements differ (they compare exactly)", onyx_element_type_name(type));
        return 1;
    }
    return 0;
}

static int compare_values(const onyx_value *got, const onyx_value *want, int shape_only, char *why, size_t size) {
    uint32_t kind = onyx_value_kind(got), want_kind = onyx_value_kind(want);
    if (kind == ONYX_VALUE_KIND_OPTIONAL && want_kind != ONYX_VALUE_KIND_OPTIONAL) {
        /* An optional output comes back as an optional; the reference may list its item. */
        const onyx_value *item;
        if (status_failed(onyx_value_item(got, 0, &item), why, size, "an optional output expected to be present")) return 1;
        return compare_values(item, want, shape_only, why, size);
    }
    if (kind != want_kind) {
        say(why, size, "a value of kind %u, expected kind %u", kind, want_kind);
        return 1;
    }
    switch (kind) {
    case ONYX_VALUE_KIND_TENSOR: {
        const onyx_tensor *g, *w;
        if (status_failed(onyx_value_tensor(got, &g), why, size, "tensor") || status_failed(onyx_value_tensor(want, &w), why, size, "tensor")) return 1;
        return compare_tensors(g, w, shape_only, why, size);
    }
    case ONYX_VALUE_KIND_MAP: {
        const onyx_tensor *gk, *gv, *wk, *wv;
        if (status_failed(onyx_value_map(got, &gk, &gv), why, size, "map") || status_failed(onyx_value_map(want, &wk, &wv), why, size, "map")) return 1;
        if (compare_tensors(gk, wk, shape_only, why, size)) return 1;
        return compare_tensors(gv, wv, shape_only, why, size);
    }
    default: { /* a sequence, or an optional (0 or 1 item) */
        size_t count = onyx_value_count(got);
        if (count != onyx_value_count(want)) {
            say(why, size, "%zu items, expected %zu", count, onyx_value_count(want));
            return 1;
        }
        for (size_t i = 0; i < count; i++) {
            const onyx_value *g, *w;
            if (status_failed(onyx_value_item(got, i, &g), why, size, "item") || status_failed(onyx_value_item(want, i, &w), why, size, "item")) return 1;
            if (compare_values(g, w, shape_only, why, size)) {
                char inner[2048];
                snprintf(inner, sizeof inner, "%s", why);
                say(why, size, "item %zu: %s", i, inner);
                return 1;
            }
        }
        return 0;
    }
    }
}

typedef struct {
    char model[8192];
    char expect[32];
    char *input_names[MAX_VALUES], *output_names[MAX_VALUES];
    onyx_value *inputs[MAX_VALUES], *outputs[MAX_VALUES];
    size_t input_count, output_count;
    char *text;
} value_case;

static void case_free(value_case *c) {
    for (size_t i = 0; i < c->input_count; i++) onyx_value_free(c->inputs[i]);
    for (size_t i = 0; i < c->output_count; i++) onyx_value_free(c->outputs[i]);
    free(c->text);
}

/* Splits `line` in place into space-separated tokens. */
static size_t split(char *line, char **tokens, size_t max) {
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save)) tokens[n++] = t;
    return n;
}

static int read_case(const char *dir, value_case *c, char *why, size_t size) {
    char path[8192];
    snprintf(path, sizeof path, "%s/case.txt", dir);
    size_t length = 0;
    c->text = (char *)spec_read_file(path, &length);
    if (!c->text) {
        say(why, size, "cannot read %s", path);
        return 1;
    }
    c->text = realloc(c->text, length + 1);
    c->text[length] = '\0';
    static char *tokens[1 << 16];
    char *save = NULL;
    for (char *line = strtok_r(c->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        if (!strncmp(line, "model ", 6)) snprintf(c->model, sizeof c->model, "%s/%s", dir, line + 6);
        else if (!strncmp(line, "expect ", 7)) snprintf(c->expect, sizeof c->expect, "%s", line + 7);
        else if (!strncmp(line, "input ", 6) || !strncmp(line, "output ", 7)) {
            int is_input = line[0] == 'i';
            size_t n = split(line, tokens, sizeof tokens / sizeof *tokens);
            if (n < 3) { say(why, size, "a value line without a value"); return 1; }
            size_t *count = is_input ? &c->input_count : &c->output_count;
            if (*count == MAX_VALUES) { say(why, size, "more than %d values", MAX_VALUES); return 1; }
            reader r = {why, size, dir, tokens + 2, n - 2, 0};
            onyx_value *value = read_value(&r);
            if (!value) return 1;
            (is_input ? c->input_names : c->output_names)[*count] = tokens[1];
            (is_input ? c->inputs : c->outputs)[(*count)++] = value;
        }
    }
    return 0;
}

int values_run_case(const char *dir, const onyx_session_options *options, char *why, size_t size) {
    value_case c;
    memset(&c, 0, sizeof c);
    if (read_case(dir, &c, why, size)) {
        case_free(&c);
        return 1;
    }
    onyx_session *session = NULL;
    onyx_value *got[MAX_VALUES] = {0};
    char reason[4096] = "";
    onyx_status *status = onyx_session_create_from_file(c.model, options, &session);
    if (!status && !c.output_count && onyx_session_output_count(session) > MAX_VALUES) {
        say(why, size, "the model has more than %d outputs", MAX_VALUES);
        onyx_session_free(session);
        case_free(&c);
        return 1;
    }
    if (!status) {
        status = onyx_session_run_values(session, NULL, (const char *const *)c.input_names, (const onyx_value *const *)c.inputs, c.input_count,
                                         c.output_count ? (const char *const *)c.output_names : NULL,
                                         c.output_count ? c.output_count : onyx_session_output_count(session), got);
    }
    int result = 0;
    if (!strcmp(c.expect, "error")) {
        if (status) onyx_status_free(status);
        else {
            say(why, size, "ONNX Runtime's Python binding fails on this case, but Onyx ran it");
            result = 1;
        }
    } else if (status_failed(status, reason, sizeof reason, "the run")) {
        say(why, size, "%s", reason);
        result = 1;
    } else {
        int shape_only = !strcmp(c.expect, "unstable");
        for (size_t i = 0; i < c.output_count && !result; i++) {
            if (compare_values(got[i], c.outputs[i], shape_only, reason, sizeof reason)) {
                say(why, size, "output '%s': %s", c.output_names[i], reason);
                result = 1;
            }
        }
    }
    for (size_t i = 0; i < MAX_VALUES; i++) onyx_value_free(got[i]);
    onyx_session_free(session);
    case_free(&c);
    return result;
}
