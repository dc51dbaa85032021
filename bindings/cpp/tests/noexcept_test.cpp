// onyx.hpp built with -fno-exceptions and ONYX_NO_EXCEPTIONS: a working call
// returns normally, and a failing one reaches the handler installed with
// onyx::set_error_handler (which here checks the code and ends the process).
//   onyx_cpp_noexcept <tests/suite folder>         exits 0 when all is as expected
//   onyx_cpp_noexcept <tests/suite folder> async   the same through AsyncRun::get
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

void expect_shape_mismatch(const onyx::Error& error) {
  if (error.code() != onyx::ErrorCode::ShapeMismatch) {
    std::printf("FAIL: handler got %s: %s\n", error.code_name(), error.what());
    std::exit(1);
  }
  std::printf("PASS: AsyncRun::get handed the run's error to the handler: %s: %s\n", error.code_name(), error.what());
  std::exit(0);
}

/// A working asynchronous run returns its outputs; a failing one's get() reaches the
/// handler with the run's code (the future itself carries no exception here).
int async_mode(const onyx::Session& session) {
  const onyx::Tensor a = onyx::Tensor::zeros<float>({16});
  onyx::AsyncRun good = session.run_async({{"a", a}, {"b", onyx::Tensor::zeros<float>({16})}});
  const onyx::RunOutputs outputs = good.get();
  if (outputs.size() != 1 || outputs[0].element_count() != 16) {
    std::printf("FAIL: the async run gave %zu outputs\n", outputs.size());
    return 1;
  }
  std::printf("PASS: a working async run returns normally without exceptions\n");
  onyx::AsyncRun bad = session.run_async({{"a", a}, {"b", onyx::Tensor::zeros<float>({15})}});
  bad.wait();
  onyx::set_error_handler(expect_shape_mismatch);
  (void)bad.get();
  std::printf("FAIL: get() of a failed run returned\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 3 && std::strcmp(argv[2], "async") == 0)) {
    std::fprintf(stderr, "usage: %s <tests/suite folder> [async]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const onyx::Session session = onyx::Session::from_file(dir + "/fixtures/add16.onnx");
  if (session.input_count() != 2) {
    std::printf("FAIL: add16 has %zu inputs\n", session.input_count());
    return 1;
  }
  std::printf("PASS: a working call returns normally without exceptions\n");
  if (argc == 3) return async_mode(session);
  onyx::set_error_handler(expect_model_not_found);
  (void)onyx::Session::from_file(dir + "/fixtures/does-not-exist.onnx");
  std::printf("FAIL: a failing call returned\n");
  return 1;
}
