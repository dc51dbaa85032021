/* The language-neutral value format of tests/conformance/README.md, in C: reading a
 * case folder (case.txt and its raw files) into onyx_value handles, running it, and
 * comparing a run's values with it. Shared by the conformance runner and the shared
 * suite's `values` cases. */
#ifndef ONYX_TESTS_VALUES_H
#define ONYX_TESTS_VALUES_H

#include <stddef.h>

#include "onyx.h"

/* Runs the case in folder `dir` with `options` (may be NULL) and checks it as its
 * `expect` line says. Returns 0 when it passed; otherwise 1 with the reason in `why`. */
int values_run_case(const char *dir, const onyx_session_options *options, char *why, size_t why_size);

#endif
