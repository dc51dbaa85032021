/* Soak tests through the C ABI: memory must stay flat over many runs, many session
 * create/free cycles and many failing calls. RSS is sampled after a warm-up (ONNX
 * Runtime's arenas and Onyx's first allocations are in place by then) and at the end;
 * the growth must stay under a bound. Prints the figures docs/reliability.md quotes.
 * Usage: onyx_c_soak <tests/suite folder> [runs] [cycles] [error runs]
 * (make test uses the defaults; make soak passes larger counts). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "onyx.h"

/* Bytes of growth after warm-up that still count as flat: allocator slack and ONNX
 * Runtime's lazily grown arenas, far below what a leak of one allocation per run
 * (10^6 runs) would show. */
#define BOUND_BYTES (8L << 20)

static long rss_bytes(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(onyx_status *status, const char *what) {
    if (status) {
        fprintf(stderr, "onyx_c_soak: %s: %s\n", what, onyx_status_message(status));
        exit(1);
    }
}

static int failures;

/* Reports one phase: the growth of RSS between `warm` and the end. */
static void report(const char *phase, long count, long warm, double seconds) {
    long end = rss_bytes(), growth = end - warm;
    int ok = warm > 0 && growth <= BOUND_BYTES;
    printf("[soak] %s %s: %ld in %.1f s, RSS %.1f -> %.1f MiB (growth %+.2f MiB, bound %ld MiB)\n", ok ? "PASS" : "FAIL",
           phase, count, seconds, warm / 1048576.0, end / 1048576.0, growth / 1048576.0, BOUND_BYTES >> 20);
    failures += !ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <tests/suite folder> [runs] [cycles] [error runs]\n", argv[0]);
        return 2;
    }
    long runs = argc > 2 ? atol(argv[2]) : 1000000, cycles = argc > 3 ? atol(argv[3]) : 2000,
         error_runs = argc > 4 ? atol(argv[4]) : 100000;
    char model[8192];
    snprintf(model, sizeof model, "%s/fixtures/add16.onnx", argv[1]);

    onyx_session *session = NULL;
    check(onyx_session_create_from_file(model, NULL, &session), "loading add16");
    float a[16] = {0}, sum[16];
    const int64_t shape[1] = {16};
    onyx_tensor *in = NULL, *out = NULL;
    check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, shape, 1, a, sizeof a, &in), "input");
    check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, shape, 1, sum, sizeof sum, &out), "output");
    const char *names[2] = {"a", "b"}, *out_names[1] = {"sum"};
    const onyx_tensor *inputs[2] = {in, in};

    /* Runs that allocate their output (the common path), then runs into a caller buffer. */
    long warm_runs = runs / 20 > 10000 ? runs / 20 : 10000;
    long warm = 0;
    double start = 0;
    for (long i = 0; i < warm_runs + runs; i++) {
        if (i == warm_runs) {
            warm = rss_bytes();
            start = now();
        }
        onyx_tensor *result = NULL;
        check(onyx_session_run(session, NULL, names, inputs, 2, NULL, 1, &result), "run");
        onyx_tensor_free(result);
    }
    report("runs with new outputs", runs, warm, now() - start);

    warm = rss_bytes();
    start = now();
    onyx_tensor *outputs[1] = {out};
    for (long i = 0; i < runs / 2; i++) check(onyx_session_run_into(session, NULL, names, inputs, 2, out_names, 1, outputs), "run_into");
    report("runs into a caller buffer", runs / 2, warm, now() - start);

    /* Failing calls: an unknown input name, an output of the wrong shape. */
    const char *bad_names[2] = {"a", "nope"};
    int64_t wrong[1] = {15};
    float small[15];
    onyx_tensor *wrong_out = NULL;
    check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, wrong, 1, small, sizeof small, &wrong_out), "wrong output");
    onyx_tensor *wrong_outputs[1] = {wrong_out};
    warm = rss_bytes();
    start = now();
    for (long i = 0; i < error_runs; i++) {
        onyx_tensor *result = NULL;
        onyx_status *s1 = onyx_session_run(session, NULL, bad_names, inputs, 2, NULL, 1, &result);
        onyx_status *s2 = onyx_session_run_into(session, NULL, names, inputs, 2, out_names, 1, wrong_outputs);
        if (onyx_status_code(s1) != ONYX_ERROR_UNKNOWN_INPUT || onyx_status_code(s2) != ONYX_ERROR_SHAPE_MISMATCH) {
            fprintf(stderr, "onyx_c_soak: unexpected codes %u, %u\n", onyx_status_code(s1), onyx_status_code(s2));
            return 1;
        }
        onyx_status_free(s1);
        onyx_status_free(s2);
    }
    report("failing calls", 2 * error_runs, warm, now() - start);
    onyx_tensor_free(wrong_out);

    /* Sessions created and freed. */
    for (int i = 0; i < 50; i++) { /* warm-up */
        onyx_session *s = NULL;
        check(onyx_session_create_from_file(model, NULL, &s), "create");
        onyx_session_free(s);
    }
    warm = rss_bytes();
    start = now();
    for (long i = 0; i < cycles; i++) {
        onyx_session *s = NULL;
        check(onyx_session_create_from_file(model, NULL, &s), "create");
        onyx_session_free(s);
    }
    report("session create/free cycles", cycles, warm, now() - start);

    onyx_tensor_free(in);
    onyx_tensor_free(out);
    onyx_session_free(session);
    printf("[soak] %s\n", failures ? "FAILED" : "all flat");
    return failures ? 1 : 0;
}
