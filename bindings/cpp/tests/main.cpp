// The C++ runner's main: the suite folder from the command line, the listener that
// prints the shared per-case lines, and the child mode of runtime_path_missing.
//
//   onyx_cpp_suite <tests/suite folder> [gtest flags]
//   onyx_cpp_suite --load-runtime <path>     (prints "<code> <message>")
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "suite.hpp"

namespace {

std::string g_suite_dir;

/// The shared suite's parameterised test ("Spec/SuiteCase.Run/<case>").
bool is_spec_case(const testing::TestInfo& info) {
  return std::strcmp(info.test_suite_name(), "Spec/SuiteCase") == 0;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

/// Prints `[cpp] PASS|FAIL|SKIP <case>[: why]` per spec case, in spec order, and
/// the closing `N passed, N failed, N skipped`, so the C++ runner joins the
/// case x language table like every other runner.
class SuiteLinePrinter : public testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const testing::TestInfo& info) override {
    if (!is_spec_case(info)) return;
    const testing::TestResult& result = *info.result();
    std::string why;
    for (int i = 0; i < result.total_part_count(); ++i) {
      const testing::TestPartResult& part = result.GetTestPartResult(i);
      if (part.failed() || part.skipped()) {
        if (!why.empty()) why += "; ";
        why += one_line(part.message());
      }
    }
    // The parameter is the case's index in spec.txt; gtest prints it as a number.
    const std::string case_name = suite::spec().cases.at(std::stoul(info.value_param())).name;
    if (result.Skipped()) {
      std::printf("[cpp] SKIP %s: %s\n", case_name.c_str(), why.c_str());
      ++skipped_;
    } else if (result.Failed()) {
      std::printf("[cpp] FAIL %s: %s\n", case_name.c_str(), why.c_str());
      ++failed_;
    } else {
      std::printf("[cpp] PASS %s\n", case_name.c_str());
      ++passed_;
    }
    std::fflush(stdout);
  }

  void OnTestProgramEnd(const testing::UnitTest&) override {
    std::printf("%d passed, %d failed, %d skipped\n", passed_, failed_, skipped_);
    std::fflush(stdout);
  }

 private:
  int passed_ = 0, failed_ = 0, skipped_ = 0;
};

/// Child mode: load ONNX Runtime from `path` in this fresh process, print the outcome.
int load_runtime(const char* path) {
  try {
    onyx::Runtime::init(path);
    std::printf("0 loaded\n");
  } catch (const onyx::Error& e) {
    std::printf("%u %s\n", static_cast<unsigned>(e.code()), e.what());
  }
  return 0;
}

}  // namespace

namespace suite {
const std::string& suite_dir() { return g_suite_dir; }
}  // namespace suite

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], suite::kLoadRuntimeFlag) == 0) {
    return load_runtime(argv[2]);
  }
  // The folder is needed before InitGoogleTest, which instantiates one test per case.
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') g_suite_dir = argv[i];
  }
  if (g_suite_dir.empty()) {
    std::fprintf(stderr, "usage: %s <tests/suite folder> [gtest flags]\n", argv[0]);
    return 2;
  }
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new SuiteLinePrinter);
  return RUN_ALL_TESTS();
}
