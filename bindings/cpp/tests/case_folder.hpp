// The language-neutral value format of tests/conformance/README.md in C++ through
// onyx.hpp: reading a case folder (case.txt and its raw files) into onyx::Values and
// comparing a run's values with it. Shared by the conformance runner
// (conformance.cpp) and the shared suite's `values` cases; the logic mirrors
// core/tests/values/mod.rs.
#pragma once

#include <stdexcept>
#include <string>

#include "onyx.hpp"

namespace case_folder {

/// Why a case failed (the text of its FAIL line).
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs the case in folder `dir`: a session from its model with `options`, its inputs
/// by name, every output compared. Throws Failure (or onyx::Error while reading the
/// case) when the case does not hold.
void run_case(const std::string& dir, const onyx::SessionOptions& options);

/// A tensor value token list `tensor <elem> [d,...] <file>` read from `dir`: exposed for
/// the unit tests (they build inputs from the sklearn folders).
onyx::Value read_value(const std::string& tokens, const std::string& dir);

}  // namespace case_folder
