// ONNX's backend test suite in C++ through onyx.hpp: every case the generator wrote
// under $ONYX_CONFORMANCE (tests/conformance/README.md has the format), in one
// process, as core/tests/conformance.rs runs them (session options: intra 1, inter 1).
// Where ONNX Runtime's Python binding passes, Onyx must pass; where it gives its own
// values, Onyx must give them; where it fails, Onyx must fail cleanly with an Onyx error.
//
// Prints `[cpp] conformance FAIL <case>: <why>` per failed case and
// `[cpp] conformance <group>: N passed, M failed` per group (sorted); exits 1 when a
// case failed, 2 when the index cannot be read. ONYX_CONFORMANCE_FILTER=text runs only
// the cases whose folder contains `text`.
//
//   ONYX_CONFORMANCE=.cache/conformance LOCPATH=.cache/locale onyx_cpp_conformance
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "case_folder.hpp"
#include "onyx.hpp"

namespace {

constexpr const char* kLang = "cpp";

/// One line, at most 300 characters (as the Rust runner prints them).
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  // Count characters, not bytes: cut after the 300th UTF-8 code point.
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars == 301) {
      return text.substr(0, i) + "...";
    }
  }
  return text;
}

/// The case folders index.txt lists; it ends with `end <count>` once complete.
std::vector<std::string> read_index(const std::string& root) {
  const std::string path = root + "/index.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path + " (make conformance-fixtures writes it)");
  std::vector<std::string> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("end ", 0) == 0) {
      const std::string count = line.substr(4);
      if (count.find_first_not_of("0123456789") != std::string::npos || count.empty() ||
          std::stoull(count) != cases.size()) {
        throw std::runtime_error(path + " says " + count + " cases but lists " + std::to_string(cases.size()));
      }
      return cases;
    }
    cases.push_back(line);
  }
  throw std::runtime_error(path + " has no end line: the generator did not finish");
}

}  // namespace

int main() {
  const char* root = std::getenv("ONYX_CONFORMANCE");
  if (root == nullptr || *root == '\0') {
    std::fprintf(stderr, "[%s] conformance: ONYX_CONFORMANCE is not set (make conformance-%s sets it to .cache/conformance)\n",
                 kLang, kLang);
    return 2;
  }
  std::vector<std::string> cases;
  try {
    cases = read_index(root);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[%s] conformance: %s\n", kLang, e.what());
    return 2;
  }
  const char* filter_env = std::getenv("ONYX_CONFORMANCE_FILTER");
  const std::string filter = filter_env != nullptr ? filter_env : "";

  onyx::SessionOptions options;
  options.set_intra_op_threads(1).set_inter_op_threads(1);
  std::map<std::string, std::pair<size_t, size_t>> counts;  // group -> (passed, failed), sorted
  for (const std::string& name : cases) {
    if (name.find(filter) == std::string::npos) continue;
    const std::string group = name.substr(0, name.find('/'));
    std::string why;
    try {
      case_folder::run_case(std::string(root) + "/" + name, options);
    } catch (const onyx::Error& e) {
      why = std::string(e.code_name()) + ": " + e.what();
    } catch (const std::exception& e) {
      why = e.what();
      if (why.empty()) why = "failed";
    }
    auto& entry = counts[group];
    if (why.empty()) {
      ++entry.first;
    } else {
      ++entry.second;
      std::printf("[%s] conformance FAIL %s: %s\n", kLang, name.c_str(), one_line(why).c_str());
      std::fflush(stdout);
    }
  }
  size_t failed = 0;
  for (const auto& [group, count] : counts) {
    std::printf("[%s] conformance %s: %zu passed, %zu failed\n", kLang, group.c_str(), count.first, count.second);
    failed += count.second;
  }
  std::fflush(stdout);
  return failed > 0 ? 1 : 0;
}
