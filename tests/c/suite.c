/* The shared ResNet18 suite (tests/suite/spec.txt), in C, through the C ABI.
 * Every expected value comes from the spec and its fixtures.
 * Usage: onyx_c_suite <tests/suite folder>
 *        onyx_c_suite --load-runtime <path>   (child process for runtime_path_missing) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32 /* cross-built with MinGW, run under Wine (tests/platforms) */
#include <io.h>
#include <windows.h>
#define access _access
#define R_OK 4
#define IS_ABSOLUTE(p) ((p)[0] && (p)[1] == ':' && ((p)[2] == '\\' || (p)[2] == '/'))
#else
#include <sys/wait.h>
#include <unistd.h>
#define IS_ABSOLUTE(p) ((p)[0] == '/')
#endif

#include "onyx.h"
#include "spec.h"
#include "values.h"

static spec suite;
static onyx_session *shared_session;
static char why[4096];

#define FAIL(...)                                   \
    do {                                            \
        snprintf(why, sizeof why, __VA_ARGS__);     \
        return 1;                                   \
    } while (0)

static const int64_t image_shape[4] = {1, 3, 224, 224};
enum { LOGITS = 1000 };

/* Records a failed status as the case's reason; frees it. Returns 1 if it failed. */
static int failed(onyx_status *status, const char *what) {
    if (!status) return 0;
    snprintf(why, sizeof why, "%s: %s (%s)", what, onyx_status_message(status),
             onyx_error_code_name(onyx_status_code(status)));
    onyx_status_free(status);
    return 1;
}

/* A fixture the spec names must exist: a missing one stops the runner (so every
 * later case is missing from the table, which fails `make test`). */
static float *load_f32(const char *relative, size_t *count) {
    char path[8192];
    spec_path(&suite, relative ? relative : "(no file named)", path, sizeof path);
    float *values = spec_read_f32(path, count);
    if (!values || *count == 0) {
        fprintf(stderr, "onyx_c_suite: cannot read fixture %s\n", path);
        exit(1);
    }
    return values;
}

/* `n_got` values against `n_expected`: a length mismatch fails before any read. */
static int within(const float *got, size_t n_got, const float *expected, size_t n_expected, float atol, float rtol) {
    if (n_got != n_expected) FAIL("the output has %zu values, the expected output %zu", n_got, n_expected);
    for (size_t i = 0; i < n_expected; i++) {
        if (!(fabsf(got[i] - expected[i]) <= atol + rtol * fabsf(expected[i])))
            FAIL("value %zu: got %g, expected %g (atol %g, rtol %g)", i, got[i], expected[i], atol, rtol);
    }
    return 0;
}

/* Runs `batch` images through `session`; *logits gets batch*1000 floats (caller frees). */
static int run_logits(const onyx_session *session, const float *images, int64_t batch, float **logits) {
    int64_t shape[4] = {batch, 3, 224, 224};
    onyx_tensor *input = NULL, *output = NULL;
    size_t bytes = (size_t)batch * 3 * 224 * 224 * sizeof(float);
    if (failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape, 4, images, bytes, &input), "creating input")) return 1;
    const char *name = "input";
    const onyx_tensor *inputs[1] = {input};
    int bad = failed(onyx_session_run(session, NULL, &name, inputs, 1, NULL, 1, &output), "run");
    size_t n = onyx_tensor_element_count(output), want = (size_t)batch * LOGITS;
    if (!bad && n != want) {
        snprintf(why, sizeof why, "the output has %zu values, expected %zu", n, want);
        bad = 1;
    }
    if (!bad) {
        *logits = malloc(n * sizeof(float));
        memcpy(*logits, onyx_tensor_data(output), n * sizeof(float));
    }
    onyx_tensor_free(output);
    onyx_tensor_free(input);
    return bad;
}

static float field_float(const spec_case *c, const char *key) { return strtof(spec_get(c, key), NULL); }

/* Runs the case's `input` on `session` and compares with its `expected`. */
static int check_expected(const onyx_session *session, const spec_case *c) {
    size_t n_in = 0, n_exp = 0;
    float *input = load_f32(spec_get(c, "input"), &n_in), *expected = load_f32(spec_get(c, "expected"), &n_exp);
    float *got = NULL;
    int bad = !input || !expected;
    if (bad) snprintf(why, sizeof why, "cannot read the case's fixtures");
    if (!bad) bad = run_logits(session, input, 1, &got);
    if (!bad) bad = within(got, LOGITS, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    free(got);
    free(input);
    free(expected);
    return bad;
}

static int still_usable(void) {
    if (check_expected(shared_session, spec_find(&suite, "classify_0"))) {
        char inner[sizeof why];
        memcpy(inner, why, sizeof why);
        FAIL("session unusable afterwards: %.3000s", inner);
    }
    return 0;
}

static int bits_equal(const float *a, const float *b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

/* Checks an error against the case's `code NAME NUMBER` and `message_contains` lines. */
static int expect_error(uint32_t code, const char *message, const spec_case *c) {
    char name[128];
    unsigned number = 0;
    sscanf(spec_get(c, "code"), "%127s %u", name, &number);
    if (code != number || strcmp(onyx_error_code_name(code), name) != 0)
        FAIL("got %s (%u) '%.2000s', expected %s (%u)", onyx_error_code_name(code), code, message, name, number);
    const char *text;
    for (size_t i = 0; (text = spec_get_nth(c, "message_contains", i)); i++)
        if (!strstr(message, text)) FAIL("message '%.2000s' does not contain '%.1000s'", message, text);
    return 0;
}

/* expect_error on a status, which must be a failure; frees it. */
static int expect_code(onyx_status *status, const spec_case *c) {
    if (!status) FAIL("succeeded, expected %s", spec_get(c, "code"));
    int bad = expect_error(onyx_status_code(status), onyx_status_message(status), c);
    onyx_status_free(status);
    return bad;
}

static void top5(const float *logits, size_t n, int out[5]) {
    for (int k = 0; k < 5; k++) {
        int best = -1;
        for (size_t i = 0; i < n; i++) {
            int taken = 0;
            for (int j = 0; j < k; j++) taken |= out[j] == (int)i;
            if (!taken && (best < 0 || logits[i] > logits[best])) best = (int)i;
        }
        out[k] = best;
    }
}

static int case_runtime_info(const spec_case *c) {
    const char *version = NULL, *path = NULL;
    if (failed(onyx_runtime_version(&version), "version") || failed(onyx_runtime_path(&path), "path")) return 1;
    if (strcmp(version, spec_get(c, "ort_version")) != 0) FAIL("version %s != %s", version, spec_get(c, "ort_version"));
    if (!IS_ABSOLUTE(path) || access(path, R_OK) != 0) FAIL("path %s is not an absolute readable file", path);
    return 0;
}

/* "name type d0,d1 n0,n1" as the spec writes an input or output. */
static void describe(const onyx_value_info *info, char *out, size_t size) {
    size_t used = (size_t)snprintf(out, size, "%s %u ", onyx_value_info_name(info), onyx_value_info_element_type(info));
    size_t rank = onyx_value_info_rank(info);
    const int64_t *shape = onyx_value_info_shape(info);
    for (size_t d = 0; d < rank; d++) used += (size_t)snprintf(out + used, size - used, d ? ",%lld" : "%lld", (long long)shape[d]);
    used += (size_t)snprintf(out + used, size - used, " ");
    for (size_t d = 0; d < rank; d++) used += (size_t)snprintf(out + used, size - used, d ? ",%s" : "%s", onyx_value_info_dim_name(info, d));
}

static int compare_values(const char *kind, const spec_case *c) {
    int is_input = strcmp(kind, "input") == 0;
    size_t count = is_input ? onyx_session_input_count(shared_session) : onyx_session_output_count(shared_session);
    size_t expected_count = 0;
    while (spec_get_nth(c, kind, expected_count)) expected_count++;
    if (count != expected_count) FAIL("%zu %ss, expected %zu", count, kind, expected_count);
    for (size_t i = 0; i < count; i++) {
        const onyx_value_info *info = NULL;
        if (failed(is_input ? onyx_session_input_info(shared_session, i, &info) : onyx_session_output_info(shared_session, i, &info), "info")) return 1;
        char got[1024];
        describe(info, got, sizeof got);
        if (strcmp(got, spec_get_nth(c, kind, i)) != 0) FAIL("%s %zu: '%s' != '%s'", kind, i, got, spec_get_nth(c, kind, i));
    }
    return 0;
}

static int case_model_info(const spec_case *c) {
    if (compare_values("input", c) || compare_values("output", c)) return 1;
    const onyx_model_metadata *meta = onyx_session_metadata(shared_session);
    const char *line;
    for (size_t i = 0; (line = spec_get_nth(c, "meta", i)); i++) {
        const char *space = strchr(line, ' ');
        const char *want = space ? space + 1 : "";
        size_t key_len = space ? (size_t)(space - line) : strlen(line);
        char got[64] = "";
        const char *value = got;
        if (!strncmp(line, "producer", key_len)) value = onyx_model_metadata_producer(meta);
        else if (!strncmp(line, "graph_name", key_len)) value = onyx_model_metadata_graph_name(meta);
        else if (!strncmp(line, "domain", key_len)) value = onyx_model_metadata_domain(meta);
        else if (!strncmp(line, "description", key_len)) value = onyx_model_metadata_description(meta);
        else if (!strncmp(line, "version", key_len)) {
            int64_t version;
            if (onyx_model_metadata_version(meta, &version)) snprintf(got, sizeof got, "%lld", (long long)version);
        } else FAIL("unknown meta key in '%s'", line);
        if (strcmp(value, want) != 0) FAIL("meta '%s': got '%s'", line, value);
    }
    size_t custom = 0;
    while (spec_get_nth(c, "custom", custom)) custom++;
    if (onyx_model_metadata_custom_count(meta) != custom) FAIL("%zu custom entries, expected %zu", onyx_model_metadata_custom_count(meta), custom);
    for (size_t i = 0; (line = spec_get_nth(c, "custom", i)); i++) {
        char key[256];
        const char *space = strchr(line, ' ');
        snprintf(key, sizeof key, "%.*s", (int)(space - line), line);
        const char *value = onyx_model_metadata_custom_value(meta, key);
        if (!value || strcmp(value, space + 1) != 0) FAIL("custom %s: got '%s'", key, value ? value : "(none)");
    }
    return 0;
}

static int case_classify(const spec_case *c) {
    size_t n_in, n_exp;
    float *input = load_f32(spec_get(c, "input"), &n_in), *expected = load_f32(spec_get(c, "expected"), &n_exp), *got = NULL;
    int bad = run_logits(shared_session, input, 1, &got) || within(got, LOGITS, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    if (!bad) {
        int best[5], want[5];
        top5(got, n_exp, best);
        sscanf(spec_get(c, "top5"), "%d %d %d %d %d", &want[0], &want[1], &want[2], &want[3], &want[4]);
        if (memcmp(best, want, sizeof best) != 0) {
            snprintf(why, sizeof why, "top5 %d %d %d %d %d != %s", best[0], best[1], best[2], best[3], best[4], spec_get(c, "top5"));
            bad = 1;
        }
    }
    free(input);
    free(expected);
    free(got);
    return bad;
}

static int case_batch(const spec_case *c) {
    char inputs[1024], expected[1024];
    snprintf(inputs, sizeof inputs, "%s", spec_get(c, "inputs"));
    snprintf(expected, sizeof expected, "%s", spec_get(c, "expected"));
    const size_t image = 3 * 224 * 224;
    float *stacked = NULL;
    int64_t batch = 0;
    char *save = NULL;
    for (char *file = strtok_r(inputs, " ", &save); file; file = strtok_r(NULL, " ", &save)) {
        size_t n;
        float *one = load_f32(file, &n);
        stacked = realloc(stacked, (size_t)(batch + 1) * image * sizeof(float));
        memcpy(stacked + (size_t)batch * image, one, image * sizeof(float));
        free(one);
        batch++;
    }
    float *got = NULL;
    int bad = run_logits(shared_session, stacked, batch, &got);
    save = NULL;
    int row = 0;
    for (char *file = strtok_r(expected, " ", &save); file && !bad; file = strtok_r(NULL, " ", &save), row++) {
        size_t n;
        float *want = load_f32(file, &n);
        if (within(got + (size_t)row * LOGITS, LOGITS, want, n, field_float(c, "atol"), field_float(c, "rtol"))) {
            char inner[sizeof why];
            memcpy(inner, why, sizeof why);
            snprintf(why, sizeof why, "row %d: %.3000s", row, inner);
            bad = 1;
        }
        free(want);
    }
    free(stacked);
    free(got);
    return bad;
}

static char model_path[8192];

static int case_from_bytes(const spec_case *c) {
    size_t size;
    uint8_t *bytes = spec_read_file(model_path, &size);
    onyx_session *session = NULL;
    int bad = failed(onyx_session_create_from_bytes(bytes, size, NULL, &session), "from bytes");
    free(bytes); /* the bytes are only read during creation */
    size_t n;
    float *input = load_f32(spec_get(c, "input"), &n), *a = NULL, *b = NULL;
    if (!bad) bad = run_logits(session, input, 1, &a) || run_logits(shared_session, input, 1, &b);
    if (!bad && !bits_equal(a, b, LOGITS)) {
        snprintf(why, sizeof why, "session from bytes differs from session from file");
        bad = 1;
    }
    if (!bad) bad = check_expected(session, c);
    onyx_session_free(session);
    free(input);
    free(a);
    free(b);
    return bad;
}

static int case_zero_copy_input(const spec_case *c) {
    size_t n, n_exp;
    float *input = load_f32(spec_get(c, "input"), &n), *expected = load_f32(spec_get(c, "expected"), &n_exp);
    onyx_tensor *tensor = NULL, *output = NULL;
    int bad = failed(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, image_shape, 4, input, n * sizeof(float), &tensor), "borrow");
    if (!bad && onyx_tensor_data(tensor) != (const void *)input) {
        snprintf(why, sizeof why, "borrowed tensor does not point at the caller's memory");
        bad = 1;
    }
    const char *name = "input";
    const onyx_tensor *inputs[1] = {tensor};
    if (!bad) bad = failed(onyx_session_run(shared_session, NULL, &name, inputs, 1, NULL, 1, &output), "run");
    if (!bad) bad = within(onyx_tensor_data(output), onyx_tensor_element_count(output), expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    onyx_tensor_free(output);
    onyx_tensor_free(tensor);
    free(input);
    free(expected);
    return bad;
}

static int case_output_into_caller(const spec_case *c) {
    size_t n, n_exp;
    float *input = load_f32(spec_get(c, "input"), &n), *expected = load_f32(spec_get(c, "expected"), &n_exp);
    int64_t out_shape[8];
    size_t out_rank = spec_shape(spec_get(c, "output_shape"), out_shape, 8);
    size_t out_count = 1;
    for (size_t d = 0; d < out_rank; d++) out_count *= (size_t)out_shape[d];
    float *buffer = malloc(out_count * sizeof(float));
    for (size_t i = 0; i < out_count; i++) buffer[i] = NAN;
    onyx_tensor *in = NULL, *out = NULL;
    int bad = failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, image_shape, 4, input, n * sizeof(float), &in), "input") ||
              failed(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, out_shape, out_rank, buffer, out_count * sizeof(float), &out), "output");
    const char *in_name = "input", *out_name = "logits";
    const onyx_tensor *inputs[1] = {in};
    onyx_tensor *outputs[1] = {out};
    if (!bad) bad = failed(onyx_session_run_into(shared_session, NULL, &in_name, inputs, 1, &out_name, 1, outputs), "run_into");
    if (!bad && onyx_tensor_data(out) != (const void *)buffer) {
        snprintf(why, sizeof why, "output tensor moved away from the caller's buffer");
        bad = 1;
    }
    onyx_tensor_free(out);
    if (!bad) bad = within(buffer, out_count, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    onyx_tensor_free(in);
    free(buffer);
    free(input);
    free(expected);
    return bad;
}

typedef struct {
    const float *input;
    const float *alone;
    int runs;
    int mismatches;
    int errors;
} thread_job;

static void *thread_main(void *arg) {
    thread_job *job = arg;
    for (int r = 0; r < job->runs; r++) {
        float *got = NULL;
        if (run_logits(shared_session, job->input, 1, &got)) {
            job->errors++;
            continue;
        }
        job->mismatches += !bits_equal(got, job->alone, LOGITS);
        free(got);
    }
    return NULL;
}

static int case_threads(const spec_case *c) {
    size_t n;
    float *input = load_f32(spec_get(c, "input"), &n), *alone = NULL;
    int threads = atoi(spec_get(c, "threads")), runs = atoi(spec_get(c, "runs"));
    if (run_logits(shared_session, input, 1, &alone)) return 1;
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    thread_job *jobs = calloc((size_t)threads, sizeof *jobs);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (thread_job){input, alone, runs, 0, 0};
        pthread_create(&ids[t], NULL, thread_main, &jobs[t]);
    }
    int mismatches = 0, errors = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        mismatches += jobs[t].mismatches;
        errors += jobs[t].errors;
    }
    free(ids);
    free(jobs);
    free(input);
    free(alone);
    if (errors || mismatches) FAIL("%d runs failed, %d differ from a run alone", errors, mismatches);
    return 0;
}

static int case_options(const spec_case *c) {
    onyx_session_options *options = NULL;
    onyx_session *session = NULL;
    if (failed(onyx_session_options_create(&options), "options")) return 1;
    const char *threads = spec_get(c, "intra_threads"), *level = spec_get(c, "optimization");
    int bad = 0;
    if (threads) bad = failed(onyx_session_options_set_intra_op_threads(options, (int32_t)atoi(threads)), "threads");
    if (level && !bad) {
        uint32_t value = strcmp(level, "disabled") == 0 ? ONYX_OPTIMIZATION_DISABLED : ONYX_OPTIMIZATION_ALL;
        if (strcmp(level, "disabled") != 0 && strcmp(level, "all") != 0) FAIL("unknown optimization '%s'", level);
        bad = failed(onyx_session_options_set_optimization_level(options, value), "level");
    }
    const char *arena = spec_get(c, "memory_arena"), *pattern = spec_get(c, "memory_pattern");
    if (arena && !bad) bad = failed(onyx_session_options_set_cpu_memory_arena(options, strcmp(arena, "on") == 0), "arena");
    if (pattern && !bad) bad = failed(onyx_session_options_set_memory_pattern(options, strcmp(pattern, "on") == 0), "pattern");
    if (!bad) bad = failed(onyx_session_create_from_file(model_path, options, &session), "session");
    onyx_session_options_free(options); /* the session keeps what it needs */
    if (!bad) bad = check_expected(session, c);
    onyx_session_free(session);
    return bad;
}

static void *terminate_later(void *arg) {
    struct timespec delay = {0, 50 * 1000 * 1000};
    nanosleep(&delay, NULL);
    onyx_status_free(onyx_run_options_terminate(arg));
    return NULL;
}

static int case_terminate(const spec_case *c) {
    int64_t batch = atoll(spec_get(c, "batch"));
    size_t n;
    float *one = load_f32(spec_get(c, "input"), &n);
    float *images = malloc((size_t)batch * n * sizeof(float));
    for (int64_t b = 0; b < batch; b++) memcpy(images + (size_t)b * n, one, n * sizeof(float));
    int64_t shape[4] = {batch, 3, 224, 224};
    onyx_tensor *input = NULL, *output = NULL;
    onyx_run_options *options = NULL;
    if (failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape, 4, images, (size_t)batch * n * sizeof(float), &input), "input") ||
        failed(onyx_run_options_create(&options), "run options"))
        return 1;
    pthread_t terminator;
    pthread_create(&terminator, NULL, terminate_later, options);
    const char *name = "input";
    const onyx_tensor *inputs[1] = {input};
    int bad = expect_code(onyx_session_run(shared_session, options, &name, inputs, 1, NULL, 1, &output), c);
    pthread_join(terminator, NULL);
    if (!bad) bad = failed(onyx_run_options_reset_terminate(options), "reset");
    onyx_run_options_free(options);
    onyx_tensor_free(output);
    onyx_tensor_free(input);
    free(images);
    free(one);
    return bad || still_usable();
}

static const char *self_path;

/* Loads ONNX Runtime from `path` in a fresh process (a process loads it once). */
static void load_runtime_in_child(const char *path, char *message, size_t size, uint32_t *code) {
#ifdef _WIN32
    *code = 0;
    char command[8192], line[4096] = "";
    snprintf(command, sizeof command, "\"\"%s\" --load-runtime \"%s\"\"", self_path, path);
    FILE *from_child = _popen(command, "r");
    if (!from_child) {
        snprintf(message, size, "could not start a child process");
        return;
    }
    if (!fgets(line, sizeof line, from_child)) line[0] = '\0';
    _pclose(from_child);
#else
    int fds[2];
    *code = 0;
    snprintf(message, size, "could not start a child process");
    if (pipe(fds) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execl(self_path, self_path, "--load-runtime", path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *from_child = fdopen(fds[0], "r");
    char line[4096] = "";
    if (!fgets(line, sizeof line, from_child)) line[0] = '\0';
    fclose(from_child);
    waitpid(pid, NULL, 0);
#endif
    line[strcspn(line, "\r\n")] = '\0';
    char *space = strchr(line, ' ');
    *code = (uint32_t)strtoul(line, NULL, 10);
    snprintf(message, size, "%s", space ? space + 1 : line);
}

/* The suite's two host kernels, written in C. ScaleShift: y = alpha * x + beta in float
   (one rounding each: no fused multiply-add, -ffp-contract=off). Fail: the suite's error. */
#define HOST_KERNEL_FAILURE "host kernel failed on purpose"

static onyx_status *scale_shift_kernel(void *user_data, onyx_kernel_context *context) {
    (void)user_data;
    float alpha, beta;
    const onyx_tensor *x = NULL;
    onyx_tensor *y = NULL;
    onyx_status *status = onyx_kernel_context_attribute_float(context, "alpha", &alpha);
    if (!status) status = onyx_kernel_context_attribute_float(context, "beta", &beta);
    if (!status) status = onyx_kernel_context_input(context, 0, &x);
    if (!status) status = onyx_kernel_context_output(context, 0, onyx_tensor_shape(x), onyx_tensor_rank(x), &y);
    if (status) return status;
    const float *in = onyx_tensor_data(x);
    float *out = onyx_tensor_mutable_data(y);
    for (size_t i = 0, n = onyx_tensor_element_count(x); i < n; i++) {
        volatile float product = alpha * in[i]; /* rounded before the sum */
        out[i] = product + beta;
    }
    return NULL;
}

static onyx_status *fail_kernel(void *user_data, onyx_kernel_context *context) {
    (void)user_data;
    (void)context;
    return onyx_status_create(ONYX_ERROR_KERNEL_FAILED, HOST_KERNEL_FAILURE);
}

/* Adds the case's `operator <domain> <name>` (with its `declare_attribute` lines). */
static onyx_status *add_host_operator(const spec_case *c, onyx_session_options *options) {
    const char *line = spec_get(c, "operator");
    if (!line) return NULL;
    char domain[256], name[256];
    sscanf(line, "%255s %255s", domain, name);
    const char *attribute_names[8];
    uint32_t attribute_kinds[8];
    static char extra_names[8][256];
    size_t attributes = 0;
    int scale_shift = !strcmp(name, "ScaleShift");
    if (scale_shift) {
        attribute_names[0] = "alpha", attribute_kinds[0] = ONYX_ATTRIBUTE_FLOAT;
        attribute_names[1] = "beta", attribute_kinds[1] = ONYX_ATTRIBUTE_FLOAT;
        attributes = 2;
    }
    const char *extra;
    for (size_t i = 0; (extra = spec_get_nth(c, "declare_attribute", i)) && attributes < 8; i++) {
        char kind[32];
        sscanf(extra, "%255s %31s", extra_names[i], kind);
        attribute_names[attributes] = extra_names[i];
        attribute_kinds[attributes++] = !strcmp(kind, "FLOAT") ? ONYX_ATTRIBUTE_FLOAT : !strcmp(kind, "INT") ? ONYX_ATTRIBUTE_INT : ONYX_ATTRIBUTE_STRING;
    }
    const uint32_t types[1] = {ONYX_ELEMENT_FLOAT32};
    onyx_operator *operator = NULL;
    onyx_status *status = onyx_operator_create(domain, name, 1, 0, types, 1, types, 1, attribute_names, attribute_kinds, attributes,
                                               scale_shift ? scale_shift_kernel : fail_kernel, NULL, NULL, &operator);
    if (!status) status = onyx_session_options_add_operator(options, operator);
    onyx_operator_free(operator); /* the options keep it */
    return status;
}

/* Session options with the case's `libraries` (own, extensions) added in order, and its
   host operator. */
static onyx_status *options_with_libraries(const spec_case *c, onyx_session_options **options) {
    onyx_status *status = onyx_session_options_create(options);
    if (!status) status = add_host_operator(c, *options);
    const char *libraries = spec_get(c, "libraries");
    if (status || !libraries) return status;
    char copy[256], *save = NULL;
    snprintf(copy, sizeof copy, "%s", libraries);
    for (char *which = strtok_r(copy, " ", &save); which && !status; which = strtok_r(NULL, " ", &save)) {
        char key[64], path[8192];
        snprintf(key, sizeof key, "custom_op_library_%s", which);
        spec_path(&suite, spec_get(&suite.header, key), path, sizeof path);
        status = onyx_session_options_add_custom_op_library(*options, path);
    }
    return status;
}

/* Loads the case's model with its libraries and runs it on its `input` lines. On success
 * *outputs (output_count tensors, caller frees) holds the outputs in the model's order. */
static onyx_status *load_and_run(const spec_case *c, onyx_tensor **outputs, size_t output_count) {
    char path[8192];
    spec_path(&suite, spec_get(c, "model"), path, sizeof path);
    onyx_session_options *options = NULL;
    onyx_session *session = NULL;
    onyx_status *status = options_with_libraries(c, &options);
    if (!status) status = onyx_session_create_from_file(path, options, &session);
    onyx_session_options_free(options);
    enum { MAX_IO = 8 };
    const char *names[MAX_IO];
    onyx_tensor *tensors[MAX_IO] = {0};
    size_t count = 0;
    const char *line;
    for (size_t i = 0; !status && (line = spec_get_nth(c, "input", i)) && count < MAX_IO; i++) {
        static char fields[MAX_IO][3][4096];
        sscanf(line, "%4095s %4095s %4095s", fields[count][0], fields[count][1], fields[count][2]);
        int64_t dims[8];
        size_t rank = spec_shape(fields[count][2], dims, 8), n = 0;
        float *values = load_f32(fields[count][1], &n);
        names[count] = fields[count][0];
        status = onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, dims, rank, values, n * sizeof(float), &tensors[count]);
        free(values);
        count++;
    }
    if (!status) status = onyx_session_run(session, NULL, names, (const onyx_tensor *const *)tensors, count, NULL, output_count, outputs);
    for (size_t i = 0; i < count; i++) onyx_tensor_free(tensors[i]);
    onyx_session_free(session);
    return status;
}

static int case_custom_op(const spec_case *c) {
    enum { MAX_OUT = 8 };
    onyx_tensor *outputs[MAX_OUT] = {0};
    size_t want = 0;
    while (spec_get_nth(c, "output", want)) want++;
    if (want == 0 || want > MAX_OUT) FAIL("%zu outputs in the spec", want);
    int bad = failed(load_and_run(c, outputs, want), "custom-op model");
    for (size_t i = 0; !bad && i < want; i++) {
        char name[256], file[4096];
        sscanf(spec_get_nth(c, "output", i), "%255s %4095s", name, file);
        size_t n_exp = 0;
        float *expected = load_f32(file, &n_exp);
        const float *got = onyx_tensor_data(outputs[i]);
        bad = within(got, onyx_tensor_element_count(outputs[i]), expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
        if (bad) {
            char inner[sizeof why];
            memcpy(inner, why, sizeof why);
            snprintf(why, sizeof why, "output %s: %.3000s", name, inner);
        }
        free(expected);
    }
    for (size_t i = 0; i < want; i++) onyx_tensor_free(outputs[i]);
    return bad;
}

static onyx_status *run_with_config(const spec_case *c, float **logits);
static int async_bad_input(const spec_case *c);
static onyx_status *load_escaping(const spec_case *c, int allow, onyx_session **session);

static int case_error(const spec_case *c) {
    const char *trigger = spec_get(c, "trigger");
    size_t n;
    float *image = load_f32(spec_get(spec_find(&suite, "classify_0"), "input"), &n);
    onyx_tensor *good = NULL, *output = NULL;
    if (failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, image_shape, 4, image, n * sizeof(float), &good), "input")) return 1;
    const char *input_name = "input";
    const onyx_tensor *one_input[1] = {good};
    onyx_session *session = NULL;
    onyx_status *status = NULL;
    int known = 1;

    if (!strcmp(trigger, "missing_model_file")) {
        char path[8192];
        spec_path(&suite, spec_get(c, "path"), path, sizeof path);
        status = onyx_session_create_from_file(path, NULL, &session);
    } else if (!strcmp(trigger, "corrupt_bytes")) {
        size_t size;
        uint8_t *bytes = spec_read_file(model_path, &size);
        for (size_t i = 0; i < 1000; i++) bytes[i] ^= 0x5A;
        status = onyx_session_create_from_bytes(bytes, 1000, NULL, &session);
        free(bytes);
    } else if (!strcmp(trigger, "empty_bytes")) {
        static const uint8_t nothing[1];
        status = onyx_session_create_from_bytes(nothing, 0, NULL, &session);
    } else if (!strcmp(trigger, "input_shape")) {
        int64_t shape[8];
        size_t rank = spec_shape(spec_get(c, "shape"), shape, 8);
        onyx_tensor *tensor = NULL;
        status = onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, shape, rank, &tensor);
        const onyx_tensor *inputs[1] = {tensor};
        if (!status) status = onyx_session_run(shared_session, NULL, &input_name, inputs, 1, NULL, 1, &output);
        onyx_tensor_free(tensor);
    } else if (!strcmp(trigger, "buffer_length")) {
        int64_t shape[8];
        size_t rank = spec_shape(spec_get(c, "shape"), shape, 8);
        size_t elements = (size_t)atoll(spec_get(c, "elements"));
        float *buffer = calloc(elements, sizeof(float));
        onyx_tensor *tensor = NULL;
        status = onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, shape, rank, buffer, elements * sizeof(float), &tensor);
        onyx_tensor_free(tensor);
        free(buffer);
    } else if (!strcmp(trigger, "element_type")) {
        onyx_tensor *tensor = NULL;
        status = onyx_tensor_create_zeros((uint32_t)atoi(spec_get(c, "elem_type")), image_shape, 4, &tensor);
        const onyx_tensor *inputs[1] = {tensor};
        if (!status) status = onyx_session_run(shared_session, NULL, &input_name, inputs, 1, NULL, 1, &output);
        onyx_tensor_free(tensor);
    } else if (!strcmp(trigger, "unknown_input")) {
        const char *names[2] = {"input", spec_get(c, "input_name")};
        const onyx_tensor *inputs[2] = {good, good};
        status = onyx_session_run(shared_session, NULL, names, inputs, 2, NULL, 1, &output);
    } else if (!strcmp(trigger, "missing_input")) {
        status = onyx_session_run(shared_session, NULL, NULL, NULL, 0, NULL, 1, &output);
    } else if (!strcmp(trigger, "load_and_run") || !strcmp(trigger, "host_kernel")) {
        onyx_tensor *outputs[8] = {0};
        status = load_and_run(c, outputs, 1);
        onyx_tensor_free(outputs[0]);
    } else if (!strcmp(trigger, "async_bad_input")) {
        onyx_tensor_free(good);
        free(image);
        return async_bad_input(c) || still_usable();
    } else if (!strcmp(trigger, "external_data_outside")) {
        status = load_escaping(c, 0, &session);
    } else if (!strcmp(trigger, "end_profiling")) {
        const char *path = NULL;
        status = onyx_session_end_profiling(shared_session, &path);
    } else if (!strcmp(trigger, "run_config_value")) {
        float *logits = NULL;
        status = run_with_config(c, &logits);
        free(logits);
    } else if (!strcmp(trigger, "free_dimension_override")) {
        onyx_session_options *options = NULL;
        status = onyx_session_options_create(&options);
        if (!status) status = onyx_session_options_add_free_dimension_override(options, spec_get(c, "dimension"), atoll(spec_get(c, "value")));
        onyx_session_options_free(options);
    } else if (!strcmp(trigger, "custom_op_library")) {
        char path[8192];
        spec_path(&suite, spec_get(c, "library"), path, sizeof path);
        onyx_session_options *options = NULL;
        status = onyx_session_options_create(&options);
        if (!status) status = onyx_session_options_add_custom_op_library(options, path);
        onyx_session_options_free(options);
    } else if (!strcmp(trigger, "no_outputs")) {
        const char *names[1] = {"logits"};
        status = onyx_session_run(shared_session, NULL, &input_name, one_input, 1, names, 0, &output);
    } else if (!strcmp(trigger, "unknown_output")) {
        const char *names[1] = {spec_get(c, "output_name")};
        status = onyx_session_run(shared_session, NULL, &input_name, one_input, 1, names, 1, &output);
    } else if (!strcmp(trigger, "output_shape")) {
        int64_t shape[8];
        size_t rank = spec_shape(spec_get(c, "output_shape"), shape, 8);
        onyx_tensor *target = NULL;
        status = onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, shape, rank, &target);
        const char *out_name = "logits";
        onyx_tensor *outputs[1] = {target};
        if (!status) status = onyx_session_run_into(shared_session, NULL, &input_name, one_input, 1, &out_name, 1, outputs);
        onyx_tensor_free(target);
    } else if (!strcmp(trigger, "read_as")) {
        const void *data = NULL;
        status = onyx_session_run(shared_session, NULL, &input_name, one_input, 1, NULL, 1, &output);
        if (!status) status = onyx_tensor_data_as(output, (uint32_t)atoi(spec_get(c, "elem_type")), &data);
        if (status) {
            onyx_tensor_free(output); /* the run itself succeeded: only the read fails */
            output = NULL;
        }
    } else if (!strcmp(trigger, "output_aliases_input")) {
        const char *out_name = "logits";
        onyx_tensor *outputs[1] = {good};
        status = onyx_session_run_into(shared_session, NULL, &input_name, one_input, 1, &out_name, 1, outputs);
    } else if (!strcmp(trigger, "intra_threads")) {
        onyx_session_options *options = NULL;
        status = onyx_session_options_create(&options);
        if (!status) status = onyx_session_options_set_intra_op_threads(options, (int32_t)atoi(spec_get(c, "threads")));
        if (!status) status = onyx_session_create_from_file(model_path, options, &session);
        onyx_session_options_free(options);
    } else if (!strcmp(trigger, "input_index")) {
        const onyx_value_info *info = NULL;
        status = onyx_session_input_info(shared_session, (size_t)atoll(spec_get(c, "index")), &info);
        if (info) {
            onyx_status_free(status);
            FAIL("input_info succeeded");
        }
    } else if (!strcmp(trigger, "null_handle")) {
        status = onyx_session_run(NULL, NULL, &input_name, one_input, 1, NULL, 1, &output);
    } else if (!strcmp(trigger, "invalid_utf8_path")) {
        status = onyx_session_create_from_file("model-\xff\xfe.onnx", NULL, &session);
    } else if (!strcmp(trigger, "runtime_path_missing")) {
        char message[4096];
        uint32_t code = 0;
        load_runtime_in_child(spec_get(c, "path"), message, sizeof message, &code);
        onyx_tensor_free(good);
        free(image);
        if (expect_error(code, message, c)) return 1;
        return still_usable();
    } else {
        known = 0;
    }
    onyx_session_free(session);
    onyx_tensor_free(output);
    onyx_tensor_free(good);
    free(image);
    if (!known) FAIL("unknown trigger '%s'", trigger);
    if (session || output) {
        onyx_status_free(status);
        FAIL("the call succeeded");
    }
    return expect_code(status, c) || still_usable();
}

/* Each line of a vector file: f32 bits, then the 16-bit result, in hex. */
static int check_vectors(const spec_case *c, const char *key, uint16_t (*convert)(float)) {
    char path[8192];
    spec_path(&suite, spec_get(c, key), path, sizeof path);
    FILE *file = fopen(path, "r");
    if (!file) FAIL("cannot open %s", path);
    char line[128];
    size_t checked = 0;
    int bad = 0;
    while (!bad && fgets(line, sizeof line, file)) {
        unsigned int in = 0, want = 0;
        if (line[0] == '#' || line[0] == '\n') continue;
        if (sscanf(line, "%x %x", &in, &want) != 2) {
            snprintf(why, sizeof why, "%s: bad line '%s'", key, line);
            bad = 1;
            break;
        }
        float value;
        uint32_t bits = in;
        memcpy(&value, &bits, sizeof value);
        uint16_t got = convert(value);
        if (got != want) {
            snprintf(why, sizeof why, "%s of f32 bits %08x: got %04x, expected %04x", key, in, got, want);
            bad = 1;
        }
        checked++;
    }
    fclose(file);
    if (!bad && checked == 0) FAIL("%s: no vectors in %s", key, path);
    return bad;
}

static int case_float_vectors(const spec_case *c) {
    return check_vectors(c, "bfloat16", onyx_bfloat16_from_float32) || check_vectors(c, "float16", onyx_float16_from_float32);
}

/* Runs classify_0's input on the shared session with run options holding the case's
 * config entry; *logits gets 1000 floats on success (caller frees). */
static onyx_status *run_with_config(const spec_case *c, float **logits) {
    size_t n;
    float *image = load_f32(spec_get(c, "input") ? spec_get(c, "input") : spec_get(spec_find(&suite, "classify_0"), "input"), &n);
    onyx_run_options *options = NULL;
    onyx_tensor *input = NULL, *output = NULL;
    onyx_status *status = onyx_run_options_create(&options);
    if (!status) status = onyx_run_options_add_config_entry(options, spec_get(c, "key"), spec_get(c, "value"));
    if (!status) status = onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, image_shape, 4, image, n * sizeof(float), &input);
    const char *name = "input";
    const onyx_tensor *inputs[1] = {input};
    if (!status) status = onyx_session_run(shared_session, options, &name, inputs, 1, NULL, 1, &output);
    if (!status) {
        *logits = malloc(LOGITS * sizeof(float));
        memcpy(*logits, onyx_tensor_data(output), LOGITS * sizeof(float));
    }
    onyx_tensor_free(output);
    onyx_tensor_free(input);
    onyx_run_options_free(options);
    free(image);
    return status;
}

/* The profile is a JSON array holding `contains` once spaces are removed. */
static int check_profile(const char *path, const char *contains) {
    size_t size = 0;
    uint8_t *bytes = spec_read_file(path, &size);
    if (!bytes) FAIL("profile %s cannot be read", path);
    char *text = malloc(size + 1);
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        if (bytes[i] != ' ' && bytes[i] != '\n' && bytes[i] != '\r' && bytes[i] != '\t') text[n++] = (char)bytes[i];
    text[n] = '\0';
    int bad = 0;
    if (n < 2 || text[0] != '[' || text[n - 1] != ']') {
        snprintf(why, sizeof why, "profile %s is not a JSON array", path);
        bad = 1;
    } else if (!strstr(text, contains)) {
        snprintf(why, sizeof why, "profile %s has no %s", path, contains);
        bad = 1;
    }
    free(text);
    free(bytes);
    remove(path);
    return bad;
}

static int case_profiling(const spec_case *c) {
    char model[8192], prefix[4096];
    spec_path(&suite, spec_get(&suite.header, "model"), model, sizeof model);
    const char *tmp = getenv("TMPDIR");
    snprintf(prefix, sizeof prefix, "%s/%s", tmp && *tmp ? tmp : "/tmp", spec_get(c, "prefix"));
    onyx_session_options *options = NULL;
    onyx_session *session = NULL;
    int bad = failed(onyx_session_options_create(&options), "options") ||
              failed(onyx_session_options_enable_profiling(options, prefix), "enable profiling") ||
              failed(onyx_session_create_from_file(model, options, &session), "session");
    onyx_session_options_free(options);
    if (!bad) bad = check_expected(session, c);
    const char *path = NULL;
    if (!bad) bad = failed(onyx_session_end_profiling(session, &path), "end profiling");
    if (!bad) bad = check_profile(path, spec_get(c, "contains"));
    onyx_session_free(session);
    return bad;
}

static int case_run_config(const spec_case *c) {
    float *got = NULL;
    if (failed(run_with_config(c, &got), "run")) return 1;
    size_t n_exp;
    float *expected = load_f32(spec_get(c, "expected"), &n_exp);
    int bad = within(got, LOGITS, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    free(got);
    free(expected);
    return bad;
}

static int case_dimension_override(const spec_case *c) {
    onyx_session_options *options = NULL;
    onyx_session *session = NULL;
    char path[8192];
    spec_path(&suite, spec_get(&suite.header, "model"), path, sizeof path);
    int bad = failed(onyx_session_options_create(&options), "options") ||
              failed(onyx_session_options_add_free_dimension_override(options, spec_get(c, "dimension"), atoll(spec_get(c, "value"))), "override") ||
              failed(onyx_session_create_from_file(path, options, &session), "session");
    onyx_session_options_free(options);
    if (!bad) {
        const onyx_value_info *info = NULL;
        int64_t want[8];
        size_t rank = spec_shape(spec_get(c, "input_shape"), want, 8);
        bad = failed(onyx_session_input_info(session, 0, &info), "input info");
        if (!bad) {
            size_t got_rank = onyx_value_info_rank(info);
            if (got_rank != rank) {
                snprintf(why, sizeof why, "input 0 has rank %zu, expected %zu", got_rank, rank);
                bad = 1;
            }
            const int64_t *got = onyx_value_info_shape(info);
            for (size_t i = 0; !bad && i < rank; i++) {
                if (got[i] != want[i]) {
                    snprintf(why, sizeof why, "input 0 dimension %zu is %lld, expected %lld", i, (long long)got[i], (long long)want[i]);
                    bad = 1;
                }
            }
        }
    }
    if (!bad) bad = check_expected(session, c);
    if (!bad) {
        int64_t shape[8];
        size_t rank = spec_shape(spec_get(c, "wrong_shape"), shape, 8);
        onyx_tensor *wrong = NULL, *output = NULL;
        const char *name = "input";
        bad = failed(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, shape, rank, &wrong), "wrong input");
        const onyx_tensor *inputs[1] = {wrong};
        if (!bad) bad = expect_code(onyx_session_run(session, NULL, &name, inputs, 1, NULL, 1, &output), c);
        onyx_tensor_free(output);
        onyx_tensor_free(wrong);
    }
    onyx_session_free(session);
    return bad;
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Loads a model of the hostile corpus by path or from its bytes; checks code and time. */
static int case_hostile_model(const spec_case *c) {
    char path[8192];
    const char *model = spec_get(c, "model");
    if (model[0] == '/') snprintf(path, sizeof path, "%s", model);
    else spec_path(&suite, model, path, sizeof path);
    int from_bytes = !strcmp(spec_get(c, "load"), "bytes");
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (from_bytes && !(bytes = spec_read_file(path, &size))) FAIL("cannot read %s", path);
    onyx_session *session = NULL;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    onyx_status *status = from_bytes ? onyx_session_create_from_bytes(bytes, size, NULL, &session)
                                     : onyx_session_create_from_file(path, NULL, &session);
    double took = seconds_since(&start);
    free(bytes);
    int bad = 0;
    if (!strcmp(spec_get(c, "code"), "OK")) {
        bad = failed(status, "load");
        const char *count = spec_get(c, "custom_count");
        size_t got = bad ? 0 : onyx_model_metadata_custom_count(onyx_session_metadata(session));
        if (!bad && count && got != (size_t)atoll(count)) {
            snprintf(why, sizeof why, "%zu custom metadata entries, expected %s", got, count);
            bad = 1;
        }
    } else {
        bad = expect_code(status, c);
    }
    onyx_session_free(session);
    if (!bad && took > atof(spec_get(c, "seconds"))) FAIL("the load took %.2f s, more than %s s", took, spec_get(c, "seconds"));
    return bad || still_usable();
}


/* --- asynchronous runs ------------------------------------------------------------ */

/* One async run's result, filled by its callback on an Onyx worker thread. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int done;
    pthread_t caller;
    int on_caller_thread;
    uint32_t code;
    char message[2048];
    float logits[LOGITS];
    size_t count;
} async_result;

static void async_result_init(async_result *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->done_cond, NULL);
    r->caller = pthread_self();
}

static void on_run_done(void *user_data, onyx_status *status, onyx_tensor *const *outputs, size_t output_count) {
    async_result *r = user_data;
    pthread_mutex_lock(&r->lock);
    r->on_caller_thread = pthread_equal(pthread_self(), r->caller);
    if (status) {
        r->code = onyx_status_code(status);
        snprintf(r->message, sizeof r->message, "%s", onyx_status_message(status));
        onyx_status_free(status);
    } else {
        r->count = output_count ? onyx_tensor_element_count(outputs[0]) : 0;
        if (r->count == LOGITS) memcpy(r->logits, onyx_tensor_data(outputs[0]), sizeof r->logits);
        for (size_t i = 0; i < output_count; i++) onyx_tensor_free(outputs[i]);
    }
    r->done++;
    pthread_cond_broadcast(&r->done_cond);
    pthread_mutex_unlock(&r->lock);
}

static void async_wait(async_result *r) {
    pthread_mutex_lock(&r->lock);
    while (!r->done) pthread_cond_wait(&r->done_cond, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

static void async_result_destroy(async_result *r) {
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->done_cond);
}

/* Starts `image` on `session` asynchronously; the tensor must outlive the run. */
static onyx_status *start_async(const onyx_session *session, const onyx_tensor *image, async_result *r, onyx_async_run **run) {
    const char *name = "input";
    const onyx_tensor *inputs[1] = {image};
    return onyx_session_run_async(session, NULL, &name, inputs, 1, NULL, 0, on_run_done, r, run);
}

/* The three images as three concurrent async runs; the `cancel`-th is cancelled at once. */
static int case_async_runs(const spec_case *c) {
    enum { RUNS = 3 };
    char files[RUNS][4096], expected_files[RUNS][4096];
    if (sscanf(spec_get(c, "inputs"), "%4095s %4095s %4095s", files[0], files[1], files[2]) != RUNS ||
        sscanf(spec_get(c, "expected"), "%4095s %4095s %4095s", expected_files[0], expected_files[1], expected_files[2]) != RUNS)
        FAIL("the case needs %d inputs and expected outputs", RUNS);
    size_t cancel = (size_t)atoi(spec_get(c, "cancel"));
    onyx_tensor *images[RUNS] = {0};
    onyx_async_run *runs[RUNS] = {0};
    static async_result results[RUNS];
    int bad = 0, in_time = 0;
    for (size_t i = 0; i < RUNS; i++) {
        size_t n;
        float *image = load_f32(files[i], &n);
        async_result_init(&results[i]);
        bad = bad || failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, image_shape, 4, image, n * sizeof(float), &images[i]), "input");
        free(image);
    }
    for (size_t i = 0; !bad && i < RUNS; i++) bad = failed(start_async(shared_session, images[i], &results[i], &runs[i]), "starting an async run");
    _Bool cancelled = 0;
    if (!bad) bad = failed(onyx_async_run_cancel(runs[cancel], &cancelled), "cancel");
    in_time = cancelled;
    for (size_t i = 0; i < RUNS; i++) {
        if (runs[i]) async_wait(&results[i]);
        onyx_async_run_free(runs[i]);
    }
    if (!bad && !in_time) {
        snprintf(why, sizeof why, "cancel came too late: run %zu had already finished", cancel);
        bad = 1;
    }
    for (size_t i = 0; !bad && i < RUNS; i++) {
        async_result *r = &results[i];
        if (r->done != 1) {
            snprintf(why, sizeof why, "run %zu: the callback was called %d times", i, r->done);
            bad = 1;
        } else if (r->on_caller_thread) {
            snprintf(why, sizeof why, "run %zu: the callback ran on the caller's thread", i);
            bad = 1;
        } else if (i == cancel) {
            bad = expect_error(r->code, r->message, c);
        } else if (r->code) {
            snprintf(why, sizeof why, "run %zu failed: %s (%s)", i, r->message, onyx_error_code_name(r->code));
            bad = 1;
        } else {
            size_t n_exp;
            float *expected = load_f32(expected_files[i], &n_exp);
            bad = within(r->logits, r->count, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
            free(expected);
        }
    }
    for (size_t i = 0; i < RUNS; i++) {
        onyx_tensor_free(images[i]);
        async_result_destroy(&results[i]);
    }
    return bad || still_usable();
}

/* A session freed while its async run is in flight: the run still completes correctly. */
static int case_async_close(const spec_case *c) {
    char path[8192];
    spec_path(&suite, spec_get(&suite.header, "model"), path, sizeof path);
    size_t n, n_exp;
    float *image = load_f32(spec_get(c, "input"), &n), *expected = load_f32(spec_get(c, "expected"), &n_exp);
    onyx_session *session = NULL;
    onyx_tensor *input = NULL;
    onyx_async_run *run = NULL;
    async_result result;
    async_result_init(&result);
    int bad = failed(onyx_session_create_from_file(path, NULL, &session), "session") ||
              failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, image_shape, 4, image, n * sizeof(float), &input), "input") ||
              failed(start_async(session, input, &result, &run), "starting an async run");
    onyx_session_free(session); /* while the run is in flight */
    if (run) async_wait(&result);
    onyx_async_run_free(run);
    if (!bad && result.code) {
        snprintf(why, sizeof why, "the run failed: %s (%s)", result.message, onyx_error_code_name(result.code));
        bad = 1;
    }
    if (!bad) bad = within(result.logits, result.count, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    onyx_tensor_free(input);
    async_result_destroy(&result);
    free(image);
    free(expected);
    return bad;
}

/* A wrongly shaped input: the call succeeds, the callback gets the error. */
static int async_bad_input(const spec_case *c) {
    int64_t shape[8];
    size_t rank = spec_shape(spec_get(c, "shape"), shape, 8);
    onyx_tensor *input = NULL;
    onyx_async_run *run = NULL;
    async_result result;
    async_result_init(&result);
    int bad = failed(onyx_tensor_create_zeros(ONYX_ELEMENT_FLOAT32, shape, rank, &input), "input") ||
              failed(start_async(shared_session, input, &result, &run), "onyx_session_run_async (the mistake must reach the callback, not the call)");
    if (!bad) {
        async_wait(&result);
        if (!result.code) {
            snprintf(why, sizeof why, "the run succeeded, expected %s", spec_get(c, "code"));
            bad = 1;
        } else {
            bad = expect_error(result.code, result.message, c);
        }
    }
    onyx_async_run_free(run);
    onyx_tensor_free(input);
    async_result_destroy(&result);
    return bad;
}

/* --- external data ------------------------------------------------------------------- */

static int case_external_data(const spec_case *c) {
    char model[8192], data_path[8192];
    spec_path(&suite, spec_get(c, "model"), model, sizeof model);
    spec_path(&suite, spec_get(c, "data"), data_path, sizeof data_path);
    onyx_session *from_file = NULL, *from_memory = NULL;
    onyx_session_options *options = NULL;
    float *by_file = NULL, *by_memory = NULL;
    size_t n_in, n_exp, model_size = 0, data_size = 0;
    float *image = load_f32(spec_get(c, "input"), &n_in), *expected = load_f32(spec_get(c, "expected"), &n_exp);
    uint8_t *model_bytes = spec_read_file(model, &model_size), *data = spec_read_file(data_path, &data_size);
    int bad = !model_bytes || !data;
    if (bad) snprintf(why, sizeof why, "cannot read %s or %s", model, data_path);
    if (!bad) bad = failed(onyx_session_create_from_file(model, NULL, &from_file), "loading from the path");
    if (!bad) bad = run_logits(from_file, image, 1, &by_file);
    if (!bad) bad = within(by_file, LOGITS, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    if (!bad) bad = failed(onyx_session_options_create(&options), "options") ||
                    failed(onyx_session_options_add_external_data(options, spec_get(c, "data_file"), data, data_size), "external data");
    free(data); /* copied by the options */
    if (!bad) bad = failed(onyx_session_create_from_bytes(model_bytes, model_size, options, &from_memory), "loading from memory");
    onyx_session_options_free(options);
    if (!bad) bad = run_logits(from_memory, image, 1, &by_memory);
    if (!bad && !bits_equal(by_file, by_memory, LOGITS)) {
        snprintf(why, sizeof why, "the logits from memory differ from those from the path");
        bad = 1;
    }
    onyx_session_free(from_file);
    onyx_session_free(from_memory);
    free(model_bytes);
    free(by_file);
    free(by_memory);
    free(image);
    free(expected);
    return bad;
}

/* Loads the escaping model, with the opt-in when `allow`. */
static onyx_status *load_escaping(const spec_case *c, int allow, onyx_session **session) {
    char model[8192];
    spec_path(&suite, spec_get(c, "model"), model, sizeof model);
    onyx_session_options *options = NULL;
    onyx_status *status = onyx_session_options_create(&options);
    if (!status && allow) status = onyx_session_options_set_external_data_outside_model_folder(options, true);
    if (!status) status = onyx_session_create_from_file(model, options, session);
    onyx_session_options_free(options);
    return status;
}

static int case_external_data_outside(const spec_case *c) {
    onyx_session *session = NULL;
    if (failed(load_escaping(c, 1, &session), "loading with the opt-in")) return 1;
    char name[256], file[4096], out_name[256], out_file[4096];
    int64_t dims[8];
    char shape[256];
    sscanf(spec_get(c, "input"), "%255s %4095s %255s", name, file, shape);
    sscanf(spec_get(c, "output"), "%255s %4095s", out_name, out_file);
    size_t rank = spec_shape(shape, dims, 8), n, n_exp;
    float *x = load_f32(file, &n), *expected = load_f32(out_file, &n_exp);
    onyx_tensor *input = NULL, *output = NULL;
    const char *names[1] = {name};
    int bad = failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, dims, rank, x, n * sizeof(float), &input), "input");
    const onyx_tensor *inputs[1] = {input};
    if (!bad) bad = failed(onyx_session_run(session, NULL, names, inputs, 1, NULL, 1, &output), "run");
    if (!bad) bad = within(onyx_tensor_data(output), onyx_tensor_element_count(output), expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
    onyx_tensor_free(output);
    onyx_tensor_free(input);
    onyx_session_free(session);
    free(x);
    free(expected);
    return bad;
}

/* --- shared weights ------------------------------------------------------------------ */

/* `sessions` sessions on one group: one model's weights held once (at least
 * `min_shared_bytes`), every session's logits bit-identical to the shared session's. */
static int case_shared_weights(const spec_case *c) {
    enum { MAX_SESSIONS = 8 };
    size_t count = (size_t)atoi(spec_get(c, "sessions")), n, n_exp;
    if (count < 2 || count > MAX_SESSIONS) FAIL("sessions %zu is not 2 to %d", count, MAX_SESSIONS);
    char path[8192];
    spec_path(&suite, spec_get(&suite.header, "model"), path, sizeof path);
    float *image = load_f32(spec_get(c, "input"), &n), *expected = load_f32(spec_get(c, "expected"), &n_exp), *plain = NULL;
    onyx_shared_weights *group = NULL;
    onyx_session_options *options = NULL;
    onyx_session *sessions[MAX_SESSIONS] = {0};
    int bad = failed(onyx_shared_weights_create(&group), "group") || failed(onyx_session_options_create(&options), "options") ||
              failed(onyx_session_options_set_shared_weights(options, group), "set shared weights") ||
              run_logits(shared_session, image, 1, &plain);
    for (size_t i = 0; !bad && i < count; i++) {
        float *got = NULL;
        bad = failed(onyx_session_create_from_file(path, options, &sessions[i]), "session") || run_logits(sessions[i], image, 1, &got);
        if (!bad) bad = within(got, LOGITS, expected, n_exp, field_float(c, "atol"), field_float(c, "rtol"));
        if (!bad && !bits_equal(got, plain, LOGITS)) {
            snprintf(why, sizeof why, "session %zu: the logits differ from an unshared session's", i);
            bad = 1;
        }
        free(got);
    }
    onyx_session_options_free(options);
    size_t models = onyx_shared_weights_model_count(group), bytes = onyx_shared_weights_byte_length(group);
    size_t min_bytes = (size_t)atoll(spec_get(c, "min_shared_bytes"));
    if (!bad && (models != 1 || bytes < min_bytes)) {
        snprintf(why, sizeof why, "the group holds %zu models and %zu bytes, expected 1 model and at least %zu bytes", models, bytes, min_bytes);
        bad = 1;
    }
    for (size_t i = 0; i < count; i++) onyx_session_free(sessions[i]);
    if (!bad && onyx_shared_weights_model_count(group) != 0) {
        snprintf(why, sizeof why, "the group still holds a model after its sessions were freed");
        bad = 1;
    }
    onyx_shared_weights_free(group);
    free(image);
    free(expected);
    free(plain);
    return bad;
}

/* --- log callback -------------------------------------------------------------------- */

typedef struct {
    pthread_mutex_t lock;
    size_t lines, below_level, matching;
    uint32_t level;
    const char *contains;
    char first[512];
} log_record;

static void on_log(void *user_data, uint32_t level, const char *category, const char *message) {
    log_record *r = user_data;
    pthread_mutex_lock(&r->lock);
    r->lines++;
    if (level < r->level) r->below_level++;
    if (r->contains && strstr(message, r->contains)) r->matching++;
    if (r->lines == 1) snprintf(r->first, sizeof r->first, "[%s] %s", category, message);
    pthread_mutex_unlock(&r->lock);
}

/* Loads the tiny model and runs nothing: what ONNX Runtime logs while loading. */
static int load_tiny(void) {
    char path[8192];
    onyx_session *session = NULL;
    spec_path(&suite, spec_get(&suite.header, "tiny_model"), path, sizeof path);
    int bad = failed(onyx_session_create_from_file(path, NULL, &session), "loading the tiny model");
    onyx_session_free(session);
    return bad;
}

static int case_log_callback(const spec_case *c) {
    unsigned low = 0, high = 0;
    char name[64];
    sscanf(spec_get(c, "level"), "%63s %u", name, &low);
    sscanf(spec_get(c, "quiet_level"), "%63s %u", name, &high);
    log_record record = {.level = low, .contains = spec_get(c, "message_contains")};
    pthread_mutex_init(&record.lock, NULL);
    int bad = failed(onyx_set_log_callback(on_log, &record), "setting the callback") ||
              failed(onyx_set_log_level(low), "level") || load_tiny();
    size_t loud = record.lines, matching = record.matching, below = record.below_level;
    record.lines = 0;
    if (!bad) bad = failed(onyx_set_log_level(high), "quiet level") || load_tiny();
    size_t quiet = record.lines;
    onyx_status_free(onyx_set_log_level(ONYX_LOG_WARNING));
    onyx_status_free(onyx_set_log_callback(NULL, NULL));
    pthread_mutex_destroy(&record.lock);
    if (bad) return 1;
    if (loud == 0) FAIL("no log line reached the callback at level %u", low);
    if (below) FAIL("%zu lines below level %u reached the callback", below, low);
    if (!matching) FAIL("no line contains '%s' (first line: %s)", record.contains, record.first);
    if (quiet) FAIL("%zu lines reached the callback at level %u", quiet, high);
    return 0;
}

/* The text a CTC text recogniser reads from `image`: the best class per time step,
 * repeats merged, blanks dropped. Its dictionary is the model's metadata `character`
 * (one symbol per line), after the blank (class 0) and before a space (the last class). */
static int recognise(onyx_session *session, const onyx_tensor *image, char *text, size_t size) {
    const onyx_value_info *input;
    if (failed(onyx_session_input_info(session, 0, &input), "input 0")) return 1;
    const char *name = onyx_value_info_name(input);
    onyx_tensor *output = NULL;
    if (failed(onyx_session_run(session, NULL, &name, &image, 1, NULL, 1, &output), "run")) return 1;
    const onyx_model_metadata *meta = onyx_session_metadata(session);
    const char *dictionary = onyx_model_metadata_custom_value(meta, "character");
    if (!dictionary) dictionary = "";
    size_t rank = onyx_tensor_rank(output), classes = (size_t)onyx_tensor_shape(output)[rank - 1];
    size_t steps = onyx_tensor_element_count(output) / classes, previous = 0, length = 0;
    const float *p = onyx_tensor_data(output);
    for (size_t t = 0; t < steps; t++, p += classes) {
        size_t best = 0;
        for (size_t k = 1; k < classes; k++)
            if (p[k] > p[best]) best = k;
        if (best != 0 && best != previous) {
            /* Symbol `best` is line best-1 of the dictionary; past its end, a space. */
            const char *symbol = dictionary;
            for (size_t line = 1; line < best && symbol; line++) {
                symbol = strchr(symbol, '\n');
                if (symbol) symbol++;
            }
            size_t n = symbol && *symbol ? strcspn(symbol, "\n") : 0;
            if (!symbol || !*symbol) symbol = " ", n = 1;
            if (length + n < size) memcpy(text + length, symbol, n), length += n;
        }
        previous = best;
    }
    text[length] = '\0';
    onyx_tensor_free(output);
    return 0;
}

static int case_ocr(const spec_case *c) {
    char path[8192];
    spec_path(&suite, spec_get(c, "model"), path, sizeof path);
    onyx_session *session = NULL;
    if (failed(onyx_session_create_from_file(path, NULL, &session), "loading the OCR model")) return 1;
    size_t count = 0;
    float *pixels = load_f32(spec_get(c, "input"), &count);
    int64_t shape[4];
    size_t rank = spec_shape(spec_get(c, "shape"), shape, 4);
    onyx_tensor *image = NULL;
    char text[1024];
    int result = failed(onyx_tensor_create_copy(ONYX_ELEMENT_FLOAT32, shape, rank, pixels, count * sizeof(float), &image), "image") ||
                 recognise(session, image, text, sizeof text);
    free(pixels);
    onyx_tensor_free(image);
    onyx_session_free(session);
    if (result) return 1;
    if (strcmp(text, spec_get(c, "text"))) FAIL("read \"%s\", ONNX Runtime's Python binding read \"%s\"", text, spec_get(c, "text"));
    return 0;
}

static int case_values(const spec_case *c) {
    char dir[8192];
    spec_path(&suite, spec_get(c, "dir"), dir, sizeof dir);
    return values_run_case(dir, NULL, why, sizeof why);
}

static int run_case(const spec_case *c) {
    const char *kind = spec_get(c, "kind");
    if (!kind) FAIL("no kind");
    if (!strcmp(kind, "runtime_info")) return case_runtime_info(c);
    if (!strcmp(kind, "model_info")) return case_model_info(c);
    if (!strcmp(kind, "classify")) return case_classify(c);
    if (!strcmp(kind, "batch")) return case_batch(c);
    if (!strcmp(kind, "from_bytes")) return case_from_bytes(c);
    if (!strcmp(kind, "zero_copy_input")) return case_zero_copy_input(c);
    if (!strcmp(kind, "output_into_caller")) return case_output_into_caller(c);
    if (!strcmp(kind, "threads")) return case_threads(c);
    if (!strcmp(kind, "options")) return case_options(c);
    if (!strcmp(kind, "terminate")) return case_terminate(c);
    if (!strcmp(kind, "error")) return case_error(c);
    if (!strcmp(kind, "float_vectors")) return case_float_vectors(c);
    if (!strcmp(kind, "hostile_model")) return case_hostile_model(c);
    if (!strcmp(kind, "custom_op") || !strcmp(kind, "host_kernel")) return case_custom_op(c);
    if (!strcmp(kind, "dimension_override")) return case_dimension_override(c);
    if (!strcmp(kind, "run_config")) return case_run_config(c);
    if (!strcmp(kind, "profiling")) return case_profiling(c);
    if (!strcmp(kind, "async_runs")) return case_async_runs(c);
    if (!strcmp(kind, "async_close")) return case_async_close(c);
    if (!strcmp(kind, "external_data")) return case_external_data(c);
    if (!strcmp(kind, "external_data_outside")) return case_external_data_outside(c);
    if (!strcmp(kind, "log_callback")) return case_log_callback(c);
    if (!strcmp(kind, "shared_weights")) return case_shared_weights(c);
    if (!strcmp(kind, "ocr")) return case_ocr(c);
    if (!strcmp(kind, "values")) return case_values(c);
    FAIL("unknown case kind '%s'", kind);
}

static int runs_in_c(const spec_case *c) {
    const char *langs = spec_get(c, "langs");
    if (!langs) return 1;
    char copy[256], *save = NULL;
    snprintf(copy, sizeof copy, "%s", langs);
    for (char *lang = strtok_r(copy, " ", &save); lang; lang = strtok_r(NULL, " ", &save))
        if (!strcmp(lang, "c")) return 1;
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--load-runtime")) {
        onyx_status *status = onyx_runtime_init(argv[2]);
        printf("%u %s\n", onyx_status_code(status), status ? onyx_status_message(status) : "loaded");
        onyx_status_free(status);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s <tests/suite folder>\n", argv[0]);
        return 2;
    }
    static char self[4096];
#ifdef _WIN32
    DWORD len = GetModuleFileNameA(NULL, self, sizeof self - 1);
    self[len < sizeof self - 1 ? len : 0] = '\0';
#else
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    self[len > 0 ? len : 0] = '\0';
#endif
    self_path = self;
    if (onyx_abi_version() >> 16 != ONYX_ABI_VERSION_MAJOR) {
        fprintf(stderr, "libonyx ABI %u does not match onyx.h (major %d)\n", onyx_abi_version(), ONYX_ABI_VERSION_MAJOR);
        return 2;
    }
    spec_load(&suite, argv[1]);
    spec_path(&suite, spec_get(&suite.header, "model"), model_path, sizeof model_path);
    if (failed(onyx_session_create_from_file(model_path, NULL, &shared_session), "loading the model")) {
        fprintf(stderr, "%s\n", why);
        return 2;
    }
    int passed = 0, failures = 0, skipped = 0;
    for (size_t i = 0; i < suite.case_count; i++) {
        const spec_case *c = &suite.cases[i];
        if (!runs_in_c(c)) {
            printf("[c] SKIP %s: only for %s\n", c->name, spec_get(c, "langs"));
            skipped++;
        } else if (run_case(c) == 0) {
            printf("[c] PASS %s\n", c->name);
            passed++;
        } else {
            printf("[c] FAIL %s: %s\n", c->name, why);
            failures++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failures, skipped);
    onyx_session_free(shared_session);
    spec_free(&suite);
    return failures ? 1 : 0;
}
