/* ONNX's backend test suite, in C, through the C ABI: every case the generator wrote
 * under $ONYX_CONFORMANCE (tests/conformance/README.md). Where ONNX Runtime's Python
 * binding passes, Onyx must pass; where it gives its own values, Onyx must give them;
 * where it fails, Onyx must fail cleanly with an Onyx error.
 * Prints one line per group (`[c] conformance node: 1402 passed, 0 failed`) and one per
 * failed case; exits 1 when a case failed. ONYX_CONFORMANCE_FILTER=text runs only the
 * cases whose folder contains `text`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onyx.h"
#include "spec.h"
#include "values.h"

enum { MAX_GROUPS = 16 };

int main(void) {
    const char *root = getenv("ONYX_CONFORMANCE");
    if (!root) {
        fprintf(stderr, "[c] conformance: ONYX_CONFORMANCE is not set (make test sets it to .cache/conformance)\n");
        return 2;
    }
    const char *filter = getenv("ONYX_CONFORMANCE_FILTER");
    char path[8192];
    snprintf(path, sizeof path, "%s/index.txt", root);
    size_t size = 0;
    char *index = (char *)spec_read_file(path, &size);
    if (!index) {
        fprintf(stderr, "[c] conformance: cannot read %s (make conformance-fixtures writes it)\n", path);
        return 2;
    }
    index = realloc(index, size + 1);
    index[size] = '\0';
    if (!strstr(index, "\nend ")) {
        fprintf(stderr, "[c] conformance: %s has no end line: the generator did not finish\n", path);
        return 2;
    }
    /* A quarter of the cases fail on purpose: ONNX Runtime's own log of each is noise. */
    onyx_status *status = onyx_set_log_level(ONYX_LOG_FATAL);
    if (status) {
        fprintf(stderr, "[c] conformance: log level: %s\n", onyx_status_message(status));
        return 2;
    }
    onyx_session_options *options = NULL;
    status = onyx_session_options_create(&options);
    if (!status) status = onyx_session_options_set_intra_op_threads(options, 1);
    if (!status) status = onyx_session_options_set_inter_op_threads(options, 1);
    if (status) {
        fprintf(stderr, "[c] conformance: session options: %s\n", onyx_status_message(status));
        return 2;
    }
    char groups[MAX_GROUPS][64];
    size_t passed[MAX_GROUPS] = {0}, failed[MAX_GROUPS] = {0}, group_count = 0, listed = 0, total_failed = 0;
    char *save = NULL;
    for (char *line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "end ", 4)) {
            if ((size_t)strtoul(line + 4, NULL, 10) != listed) {
                fprintf(stderr, "[c] conformance: index.txt lists %zu cases but says %s\n", listed, line + 4);
                return 2;
            }
            break;
        }
        listed++;
        if (filter && !strstr(line, filter)) continue;
        char group[64];
        snprintf(group, sizeof group, "%.*s", (int)strcspn(line, "/"), line);
        size_t g = 0;
        while (g < group_count && strcmp(groups[g], group)) g++;
        if (g == group_count) {
            if (group_count == MAX_GROUPS) return 2;
            snprintf(groups[group_count++], sizeof groups[0], "%s", group);
        }
        char dir[8192], why[4096] = "";
        snprintf(dir, sizeof dir, "%s/%s", root, line);
        if (values_run_case(dir, options, why, sizeof why)) {
            for (char *c = why; *c; c++)
                if (*c == '\n') *c = ' ';
            printf("[c] conformance FAIL %s: %.300s\n", line, why);
            failed[g]++;
            total_failed++;
        } else {
            passed[g]++;
        }
        fflush(stdout);
    }
    /* Groups in sorted order, as every runner prints them. */
    for (size_t i = 0; i < group_count; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < group_count; j++)
            if (strcmp(groups[j], groups[best]) < 0) best = j;
        char name[64];
        size_t p = passed[best], f = failed[best];
        memcpy(name, groups[best], sizeof name);
        memcpy(groups[best], groups[i], sizeof name);
        passed[best] = passed[i];
        failed[best] = failed[i];
        printf("[c] conformance %s: %zu passed, %zu failed\n", name, p, f);
    }
    onyx_session_options_free(options);
    free(index);
    return total_failed ? 1 : 0;
}
