// Shared state of the C++ runner: the spec, and the session every case may use.
#pragma once

#include <string>

#include "onyx.hpp"
#include "spec.hpp"

namespace suite {

/// The tests/suite folder given on the command line.
const std::string& suite_dir();
/// spec.txt, read once.
const Spec& spec();
/// The ResNet18 session the cases share (created on first use).
const onyx::Session& shared_session();
/// The model file's absolute path.
std::string model_path();

/// Flag for the child process of runtime_path_missing: `<exe> --load-runtime <path>`.
inline constexpr const char* kLoadRuntimeFlag = "--load-runtime";

}  // namespace suite
