// onyx.hpp built with -fno-exceptions and ONYX_NO_EXCEPTIONS: a working call
// returns normally, and a failing one reaches the handler installed with
// onyx::set_error_handler (which here checks the code and ends the process).
//   onyx_cpp_noexcept <tests/suite folder>     exits 0 when all is as expected
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "onyx.hpp"

namespace {

void expect_model_not_found(const onyx::Error& error) {
  if (error.code() != onyx::ErrorCode::ModelNotFound) {
    std::printf("FAIL: handler got %s: %s\n", error.code_name(), error.what());
    std::exit(1);
  }
  std::printf("PASS: the error handler got %s: %s\n", error.code_name(), error.what());
  std::exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <tests/suite folder>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const onyx::Session session = onyx::Session::from_file(dir + "/fixtures/add16.onnx");
  if (session.input_count() != 2) {
    std::printf("FAIL: add16 has %zu inputs\n", session.input_count());
    return 1;
  }
  std::printf("PASS: a working call returns normally without exceptions\n");
  onyx::set_error_handler(expect_model_not_found);
  (void)onyx::Session::from_file(dir + "/fixtures/does-not-exist.onnx");
  std::printf("FAIL: a failing call returned\n");
  return 1;
}
