/* One model, loaded and run through the C ABI: the child process of the mutation
 * smoke test (tests/hardening/mutate.py) and its canary.
 *
 *   load_run [--bytes] [--canary] <model>
 *
 * Loads the model (from its path, or with --bytes from its bytes), and if it loads
 * and every input is a numeric tensor of at most 2^20 elements (free dimensions set
 * to 1), runs it once on zeros. Always ends by printing one line
 *   result load <CODE_NAME> | result run <CODE_NAME> | result ok | result skipped
 * and exiting 0: a signal, a timeout or another exit code is a failure the parent
 * reports. --canary (for add16) also checks that sum = a + b on known values and
 * exits 1 if not. ONNX Runtime is found as every Onyx program finds it
 * (ONYX_ORT_LIBRARY, or beside libonyx). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onyx.h"

enum { MAX_INPUTS = 64, MAX_ELEMENTS = 1 << 20 };

static int report(const char *stage, onyx_status *status) {
    printf("result %s %s\n", stage, onyx_error_code_name(onyx_status_code(status)));
    onyx_status_free(status);
    return 0;
}

static unsigned char *read_file(const char *path, size_t *length) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    *length = n;
    return data;
}

static int canary(const onyx_session *session) {
    float a[16], b[16];
    for (int i = 0; i < 16; i++) a[i] = (float)i, b[i] = 0.5f * (float)i;
    const int64_t shape[1] = {16};
    onyx_tensor *ta = NULL, *tb = NULL, *sum = NULL;
    onyx_status *status = onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape, 1, a, sizeof a, &ta);
    if (!status) status = onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape, 1, b, sizeof b, &tb);
    const char *names[2] = {"a", "b"};
    const onyx_tensor *inputs[2] = {ta, tb};
    if (!status) status = onyx_session_run(session, NULL, names, inputs, 2, NULL, 1, &sum);
    if (status) {
        fprintf(stderr, "load_run: canary run failed: %s\n", onyx_status_message(status));
        return report("run", status), 1;
    }
    const float *s = onyx_tensor_data(sum);
    int bad = onyx_tensor_element_count(sum) != 16;
    for (int i = 0; !bad && i < 16; i++) bad = s[i] != a[i] + b[i];
    onyx_tensor_free(sum);
    onyx_tensor_free(ta);
    onyx_tensor_free(tb);
    if (bad) {
        fprintf(stderr, "load_run: canary sum is not a + b\n");
        return 1;
    }
    printf("result ok\n");
    return 0;
}

int main(int argc, char **argv) {
    int bytes = 0, is_canary = 0, arg = 1;
    for (; arg < argc - 1; arg++) {
        if (!strcmp(argv[arg], "--bytes")) bytes = 1;
        else if (!strcmp(argv[arg], "--canary")) is_canary = 1;
    }
    if (arg != argc - 1) {
        fprintf(stderr, "usage: %s [--bytes] [--canary] <model>\n", argv[0]);
        return 2;
    }
    const char *path = argv[arg];
    onyx_session_options *options = NULL;
    onyx_status *status = onyx_session_options_create(&options);
    if (status) return report("options", status);
    /* One thread each: the test runs hundreds of these, two at a time. */
    if ((status = onyx_session_options_set_intra_op_threads(options, 1))) return report("options", status);
    if ((status = onyx_session_options_set_inter_op_threads(options, 1))) return report("options", status);

    onyx_session *session = NULL;
    if (bytes) {
        size_t length = 0;
        unsigned char *data = read_file(path, &length);
        if (!data) {
            fprintf(stderr, "load_run: cannot read %s\n", path);
            return 2;
        }
        status = onyx_session_create_from_bytes(data, length, options, &session);
        free(data);
    } else {
        status = onyx_session_create_from_file(path, options, &session);
    }
    onyx_session_options_free(options);
    if (status) return report("load", status);
    if (is_canary) {
        int rc = canary(session);
        onyx_session_free(session);
        return rc;
    }

    size_t n = onyx_session_input_count(session);
    if (n > MAX_INPUTS) {
        printf("result skipped\n");
        onyx_session_free(session);
        return 0;
    }
    const char *names[MAX_INPUTS];
    onyx_tensor *tensors[MAX_INPUTS] = {0};
    int runnable = 1;
    for (size_t i = 0; i < n && runnable; i++) {
        const onyx_value_info *info = NULL;
        if ((status = onyx_session_input_info(session, i, &info))) {
            report("info", status);
            runnable = -1;
            break;
        }
        names[i] = onyx_value_info_name(info);
        size_t rank = onyx_value_info_rank(info);
        const int64_t *dims = onyx_value_info_shape(info);
        int64_t shape[64];
        size_t count = 1;
        if (onyx_value_info_kind(info) != ONYX_VALUE_KIND_TENSOR || onyx_element_type_size(onyx_value_info_element_type(info)) == 0 ||
            rank > 64) {
            runnable = 0;
            break;
        }
        for (size_t d = 0; d < rank; d++) {
            shape[d] = dims[d] < 0 ? 1 : dims[d];
            if (shape[d] > MAX_ELEMENTS || (count *= (size_t)(shape[d] ? shape[d] : 1)) > MAX_ELEMENTS) runnable = 0;
        }
        if (runnable && (status = onyx_tensor_create_zeros(onyx_value_info_element_type(info), shape, rank, &tensors[i]))) {
            report("tensor", status);
            runnable = -1;
        }
    }
    int rc = 0;
    if (runnable == 1) {
        size_t outs = onyx_session_output_count(session);
        onyx_tensor **outputs = calloc(outs ? outs : 1, sizeof *outputs);
        status = onyx_session_run(session, NULL, names, (const onyx_tensor *const *)tensors, n, NULL, outs, outputs);
        if (status) {
            report("run", status);
        } else {
            printf("result ok\n");
            for (size_t i = 0; i < outs; i++) onyx_tensor_free(outputs[i]);
        }
        free(outputs);
    } else if (runnable == 0) {
        printf("result skipped\n");
    }
    for (size_t i = 0; i < n; i++) onyx_tensor_free(tensors[i]);
    onyx_session_free(session);
    return rc;
}
