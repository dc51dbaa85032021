#include "spec.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace suite {

const std::string& Case::get(const std::string& key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  throw std::runtime_error("spec field '" + key + "' missing in case '" + name + "'");
}

bool Case::has(const std::string& key) const {
  for (const auto& field : fields) {
    if (field.first == key) return true;
  }
  return false;
}

std::vector<std::string> Case::all(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fields) {
    if (k == key) out.push_back(v);
  }
  return out;
}

double Case::number(const std::string& key) const {
  const std::string& text = get(key);
  size_t used = 0;
  double value = std::stod(text, &used);
  if (used != text.size()) throw std::runtime_error("spec field '" + key + "' is not a number: " + text);
  return value;
}

Spec Spec::load(const std::string& dir) {
  std::ifstream in(dir + "/spec.txt");
  if (!in) throw std::runtime_error("cannot read " + dir + "/spec.txt");
  Spec spec;
  spec.dir = dir;
  std::vector<Case> blocks;
  Case current;
  std::string line;
  auto flush = [&] {
    if (!current.fields.empty()) blocks.push_back(std::move(current));
    current = Case{};
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      flush();
      continue;
    }
    size_t space = line.find(' ');
    std::string key = line.substr(0, space);
    std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "case") current.name = value;
    current.fields.emplace_back(std::move(key), std::move(value));
  }
  flush();
  if (blocks.empty()) throw std::runtime_error("spec has no header");
  spec.header = std::move(blocks.front());
  spec.cases.assign(std::make_move_iterator(blocks.begin() + 1), std::make_move_iterator(blocks.end()));
  return spec;
}

const Case& Spec::find(const std::string& name) const {
  for (const Case& c : cases) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("case '" + name + "' missing from spec");
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, separator)) out.push_back(item);
  if (!text.empty() && text.back() == separator) out.emplace_back();
  return out;
}

std::vector<int64_t> shape(const std::string& text) {
  std::vector<int64_t> dims;
  for (const std::string& d : split(text, ',')) {
    size_t used = 0;
    dims.push_back(std::stoll(d, &used));
    if (used != d.size()) throw std::runtime_error("bad shape '" + text + "'");
  }
  return dims;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<float> read_f32(const std::string& path) {
  std::vector<uint8_t> bytes = read_file(path);
  std::vector<float> out(bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t bits = uint32_t(bytes[4 * i]) | uint32_t(bytes[4 * i + 1]) << 8 | uint32_t(bytes[4 * i + 2]) << 16 |
                    uint32_t(bytes[4 * i + 3]) << 24;
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

}  // namespace suite
