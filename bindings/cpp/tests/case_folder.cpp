#include "case_folder.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

namespace case_folder {
namespace {

[[noreturn]] void fail(const std::string& why) { throw Failure(why); }

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Words of a line split on single spaces (as Rust's `split(' ')`).
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t space = text.find(' ', start);
    out.push_back(text.substr(start, space == std::string::npos ? std::string::npos : space - start));
    if (space == std::string::npos) return out;
    start = space + 1;
  }
}

class Tokens {
 public:
  explicit Tokens(std::vector<std::string> words, size_t at = 0) : words_(std::move(words)), at_(at) {}
  const std::string& next() {
    if (at_ >= words_.size()) fail("a value ends too early");
    return words_[at_++];
  }
  const std::string* peek() const { return at_ < words_.size() ? &words_[at_] : nullptr; }

 private:
  std::vector<std::string> words_;
  size_t at_;
};

uint64_t number(const std::string& text, const char* what) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) fail(std::string("bad ") + what + " '" + text + "'");
  return std::stoull(text);
}

onyx::Tensor parse_tensor(Tokens& tokens, const std::string& dir) {
  const uint32_t element = static_cast<uint32_t>(number(tokens.next(), "element type"));
  std::string dims = tokens.next();
  if (!dims.empty() && dims.front() == '[') dims.erase(0, 1);
  if (!dims.empty() && dims.back() == ']') dims.pop_back();
  std::vector<int64_t> shape;
  if (!dims.empty()) {
    size_t start = 0;
    while (true) {
      const size_t comma = dims.find(',', start);
      const std::string d = dims.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (d.empty() || d.find_first_not_of("-0123456789") != std::string::npos) fail("bad shape [" + dims + "]");
      shape.push_back(std::stoll(d));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  const std::string file = dir + "/" + tokens.next();
  const std::vector<uint8_t> bytes = read_bytes(file);
  try {
    if (element == static_cast<uint32_t>(onyx::ElementType::String)) {
      std::vector<std::string_view> strings;
      size_t at = 0;
      while (at < bytes.size()) {
        if (at + 4 > bytes.size()) fail(file + ": truncated string file");
        const uint32_t length = uint32_t(bytes[at]) | uint32_t(bytes[at + 1]) << 8 | uint32_t(bytes[at + 2]) << 16 |
                                uint32_t(bytes[at + 3]) << 24;
        if (at + 4 + length > bytes.size()) fail(file + ": truncated string file");
        strings.emplace_back(reinterpret_cast<const char*>(bytes.data()) + at + 4, length);
        at += 4 + length;
      }
      return onyx::Tensor::from_strings(shape, strings.data(), strings.size());
    }
    return onyx::Tensor::copy(static_cast<onyx::ElementType>(element), shape, bytes.data(), bytes.size());
  } catch (const onyx::Error& e) {
    fail(file + ": " + e.what());
  }
}

/// A value in prefix form: `tensor <elem> [d,...] <file>`, `sequence <n> <value>*n`
/// (`sequence 0 <elem>` when empty), `map <keys> <values>`, `optional none|<value>`.
onyx::Value parse_value(Tokens& tokens, const std::string& dir) {
  const std::string kind = tokens.next();
  try {
    if (kind == "tensor") return onyx::Value::tensor(parse_tensor(tokens, dir));
    if (kind == "sequence") {
      const size_t n = static_cast<size_t>(number(tokens.next(), "sequence length"));
      std::vector<onyx::Value> items;
      if (n == 0) {
        (void)tokens.next();  // the element type an empty sequence would hold
      }
      for (size_t i = 0; i < n; ++i) items.push_back(parse_value(tokens, dir));
      return onyx::Value::sequence(std::move(items));
    }
    if (kind == "map") {
      // Keys and values are tensor tokens; the builder takes the two tensors.
      const auto tensor = [&] {
        if (const std::string* word = tokens.peek(); word == nullptr || *word != "tensor") {
          (void)parse_value(tokens, dir);
          fail("map keys and values must be tensors");
        }
        (void)tokens.next();
        return parse_tensor(tokens, dir);
      };
      onyx::Tensor keys = tensor();
      onyx::Tensor values = tensor();
      return onyx::Value::map(std::move(keys), std::move(values));
    }
    if (kind == "optional") {
      if (const std::string* word = tokens.peek(); word != nullptr && *word == "none") {
        (void)tokens.next();
        return onyx::Value::optional();
      }
      return onyx::Value::optional(parse_value(tokens, dir));
    }
  } catch (const onyx::Error& e) {
    fail(e.what());
  }
  fail("unknown value kind '" + kind + "'");
}

struct Case {
  std::string model;
  std::string expect;
  std::vector<std::pair<std::string, onyx::Value>> inputs, outputs;
};

Case read_case(const std::string& dir) {
  const std::vector<uint8_t> bytes = read_bytes(dir + "/case.txt");
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  Case c;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space), rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "model") {
      c.model = dir + "/" + rest;
    } else if (key == "expect") {
      c.expect = rest;
    } else if (key == "input" || key == "output") {
      Tokens tokens(words(rest));
      std::string name = tokens.next();
      onyx::Value value = parse_value(tokens, dir);
      (key == "input" ? c.inputs : c.outputs).emplace_back(std::move(name), std::move(value));
    }
  }
  return c;
}

const char* kind_name(onyx::ValueKind kind) {
  switch (kind) {
    case onyx::ValueKind::Tensor: return "Tensor";
    case onyx::ValueKind::Sequence: return "Sequence";
    case onyx::ValueKind::Map: return "Map";
    case onyx::ValueKind::Optional: return "Optional";
    default: return "Unknown";
  }
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// The elements of a float tensor as doubles; nullopt for another element type.
std::optional<std::vector<double>> floats(const onyx::Tensor& t) {
  std::vector<double> out;
  switch (t.element_type()) {
    case onyx::ElementType::Float32:
      for (float x : t.values<float>()) out.push_back(x);
      return out;
    case onyx::ElementType::Float64:
      for (double x : t.values<double>()) out.push_back(x);
      return out;
    case onyx::ElementType::Float16:
      for (onyx::Float16 x : t.values<onyx::Float16>()) out.push_back(x.to_float());
      return out;
    case onyx::ElementType::BFloat16:
      for (onyx::BFloat16 x : t.values<onyx::BFloat16>()) out.push_back(x.to_float());
      return out;
    default:
      return std::nullopt;
  }
}

std::string format_double(double x) {
  std::ostringstream out;
  out.precision(9);
  out << x;
  return out.str();
}

void compare_tensors(const onyx::Tensor& got, const onyx::Tensor& want, bool shape_only) {
  if (got.element_type() != want.element_type()) {
    fail(std::string(onyx::element_type_name(got.element_type())) + " elements, expected " +
         onyx::element_type_name(want.element_type()));
  }
  if (got.shape() != want.shape()) fail("shape " + shape_text(got.shape()) + ", expected " + shape_text(want.shape()));
  if (shape_only) return;
  if (const auto g = floats(got)) {
    const std::vector<double> w = *floats(want);
    for (size_t i = 0; i < g->size() && i < w.size(); ++i) {
      const double a = (*g)[i], b = w[i];
      const bool close = (std::isnan(a) && std::isnan(b)) || a == b || std::fabs(a - b) <= 1e-5 + 1e-3 * std::fabs(b);
      if (!close) fail("element " + std::to_string(i) + " is " + format_double(a) + ", expected " + format_double(b) + " (atol 1e-5, rtol 1e-3)");
    }
    return;
  }
  if (got.element_type() == onyx::ElementType::String) {
    const std::vector<std::string> g = got.strings(), w = want.strings();
    for (size_t i = 0; i < g.size() && i < w.size(); ++i) {
      if (g[i] != w[i]) fail("string " + std::to_string(i) + " is \"" + g[i] + "\", expected \"" + w[i] + "\"");
    }
    return;
  }
  const auto* g = static_cast<const uint8_t*>(got.data());
  const auto* w = static_cast<const uint8_t*>(want.data());
  for (size_t i = 0; i < got.byte_length() && i < want.byte_length(); ++i) {
    if (g[i] != w[i]) {
      fail("byte " + std::to_string(i) + " is " + std::to_string(g[i]) + ", expected " + std::to_string(w[i]) + " (" +
           onyx::element_type_name(got.element_type()) + " elements compare exactly)");
    }
  }
}

/// Kinds, element types and shapes must match; values too unless `shape_only`.
void compare(const onyx::Value& got, const onyx::Value& want, bool shape_only) {
  const onyx::ValueKind g = got.kind(), w = want.kind();
  if (g == onyx::ValueKind::Tensor && w == g) return compare_tensors(got.tensor(), want.tensor(), shape_only);
  if (g == onyx::ValueKind::Sequence && w == g) {
    const std::vector<onyx::Value>& a = got.items();
    const std::vector<onyx::Value>& b = want.items();
    if (a.size() != b.size()) fail("sequence of " + std::to_string(a.size()) + " items, expected " + std::to_string(b.size()));
    for (size_t i = 0; i < a.size(); ++i) {
      try {
        compare(a[i], b[i], shape_only);
      } catch (const Failure& e) {
        fail("item " + std::to_string(i) + ": " + e.what());
      }
    }
    return;
  }
  if (g == onyx::ValueKind::Map && w == g) {
    try {
      compare_tensors(got.keys(), want.keys(), shape_only);
    } catch (const Failure& e) {
      fail(std::string("map keys: ") + e.what());
    }
    try {
      compare_tensors(got.values(), want.values(), shape_only);
    } catch (const Failure& e) {
      fail(std::string("map values: ") + e.what());
    }
    return;
  }
  if (g == onyx::ValueKind::Optional && w == g) {
    const bool a = got.has_value(), b = want.has_value();
    if (!a && !b) return;
    if (a && b) return compare(got.item(), want.item(), shape_only);
    fail(std::string("optional is ") + (a ? "present" : "absent") + ", expected " + (b ? "present" : "absent"));
  }
  // An optional output comes back as an optional; the reference may list its item.
  if (g == onyx::ValueKind::Optional && got.has_value()) return compare(got.item(), want, shape_only);
  fail(std::string("got a ") + kind_name(g) + ", expected a " + kind_name(w));
}

}  // namespace

onyx::Value read_value(const std::string& tokens, const std::string& dir) {
  Tokens t(words(tokens));
  return parse_value(t, dir);
}

void run_case(const std::string& dir, const onyx::SessionOptions& options) {
  const Case c = read_case(dir);
  std::optional<onyx::ValueOutputs> got;
  std::string error;
  try {
    const onyx::Session session = onyx::Session::from_file(c.model, options);
    std::vector<onyx::ValueInput> inputs;
    for (const auto& [name, value] : c.inputs) inputs.emplace_back(name, value);
    std::vector<onyx::Name> names;
    for (const auto& output : c.outputs) names.emplace_back(output.first);
    got = session.run_values(inputs, names);
  } catch (const onyx::Error& e) {
    error = std::string(e.code_name()) + ": " + e.what();
  }
  if (c.expect == "error") {
    if (got) fail("ONNX Runtime's Python binding fails on this case, but Onyx ran it");
    return;
  }
  if (!got) fail(error);
  if (c.expect != "pass" && c.expect != "ort_values" && c.expect != "unstable") fail("unknown expectation '" + c.expect + "'");
  for (size_t i = 0; i < c.outputs.size() && i < got->size(); ++i) {
    try {
      compare((*got)[i], c.outputs[i].second, c.expect == "unstable");
    } catch (const Failure& e) {
      fail("output '" + c.outputs[i].first + "': " + e.what());
    } catch (const onyx::Error& e) {
      fail("output '" + c.outputs[i].first + "': " + e.code_name() + ": " + e.what());
    }
  }
}

}  // namespace case_folder
