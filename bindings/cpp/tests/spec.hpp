// A reader for tests/suite/spec.txt (format: tests/suite/README.md) and its fixtures.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace suite {

/// One block of spec.txt: ordered key/value fields (keys may repeat).
struct Case {
  std::string name;  // "" for the header block
  std::vector<std::pair<std::string, std::string>> fields;

  /// The first value of `key`; throws std::runtime_error when missing.
  const std::string& get(const std::string& key) const;
  /// Whether `key` is present.
  bool has(const std::string& key) const;
  /// Every value of `key`, in order.
  std::vector<std::string> all(const std::string& key) const;
  /// The value of `key` as a number.
  double number(const std::string& key) const;
};

struct Spec {
  std::string dir;  // folder holding spec.txt; fixture paths are relative to it
  Case header;
  std::vector<Case> cases;

  /// Reads dir/spec.txt; throws std::runtime_error when it cannot.
  static Spec load(const std::string& dir);
  const Case& find(const std::string& name) const;
  std::string path(const std::string& relative) const { return dir + "/" + relative; }
};

std::vector<std::string> split(const std::string& text, char separator);
/// "1,3,224,224" -> {1, 3, 224, 224}
std::vector<int64_t> shape(const std::string& text);
/// Raw little-endian float32.
std::vector<float> read_f32(const std::string& path);
std::vector<uint8_t> read_file(const std::string& path);

}  // namespace suite
