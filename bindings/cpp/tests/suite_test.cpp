// The shared ResNet18 suite (tests/suite/spec.txt) in C++ through onyx.hpp: one
// parameterised test per case, in spec order. Every expected value comes from the
// spec and its fixtures; the logic mirrors core/tests/suite.rs.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "case_folder.hpp"
#include "suite.hpp"

namespace suite {

const Spec& spec() {
  static const Spec loaded = Spec::load(suite_dir());
  return loaded;
}

std::string model_path() { return spec().path(spec().header.get("model")); }

const onyx::Session& shared_session() {
  static const onyx::Session session = onyx::Session::from_file(model_path());
  return session;
}

}  // namespace suite

namespace {

using suite::Case;
using suite::read_f32;
using suite::shape;
using suite::spec;

/// A case's failure: its message becomes the FAIL line's reason.
struct CaseFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& why) { throw CaseFailure(why); }

const std::vector<int64_t> kImageShape = {1, 3, 224, 224};

std::string path(const std::string& relative) { return spec().path(relative); }

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

void within(onyx::Span<const float> got, const std::vector<float>& expected, const Case& c) {
  const float atol = static_cast<float>(c.number("atol")), rtol = static_cast<float>(c.number("rtol"));
  if (got.size() != expected.size()) {
    fail("got " + std::to_string(got.size()) + " values, expected " + std::to_string(expected.size()));
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - expected[i]) <= atol + rtol * std::fabs(expected[i]))) {
      std::ostringstream why;
      why << "value " << i << ": got " << got[i] << ", expected " << expected[i] << " (atol " << atol << ", rtol "
          << rtol << ")";
      fail(why.str());
    }
  }
}

std::vector<size_t> top5(onyx::Span<const float> logits) {
  std::vector<size_t> order(logits.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return logits[a] > logits[b]; });
  order.resize(5);
  return order;
}

bool bit_identical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// The logits of `images` (a batch of [3,224,224] images) through `session`.
std::vector<float> logits(const onyx::Session& session, const std::vector<float>& images, std::vector<int64_t> dims) {
  const onyx::Tensor input = onyx::Tensor::copy(dims, images);
  return session.run({{"input", input}}).at("logits").to_vector<float>();
}

void check_expected(const onyx::Session& session, const Case& c) {
  within(logits(session, read_f32(path(c.get("input"))), kImageShape), read_f32(path(c.get("expected"))), c);
}

/// The follow-up check: the shared session still classifies classify_0.
void still_usable() {
  try {
    check_expected(suite::shared_session(), spec().find("classify_0"));
  } catch (const std::exception& e) {
    fail(std::string("session unusable afterwards: ") + e.what());
  }
}

/// Runs `provoke`, which must fail with the case's `code` and a message holding
/// each `message_contains`.
template <typename F>
void expect_error(const Case& c, F&& provoke) {
  const std::vector<std::string> code = suite::split(c.get("code"), ' ');
  if (code.size() != 2) fail("bad code field '" + c.get("code") + "'");
  const uint32_t number = static_cast<uint32_t>(std::stoul(code[1]));
  try {
    provoke();
  } catch (const onyx::Error& e) {
    if (static_cast<uint32_t>(e.code()) != number || e.code_name() != code[0]) {
      fail(std::string("got ") + e.code_name() + " (" + std::to_string(static_cast<uint32_t>(e.code())) + ") '" +
           e.what() + "', expected " + c.get("code"));
    }
    for (const std::string& text : c.all("message_contains")) {
      if (std::string_view(e.what()).find(text) == std::string_view::npos) {
        fail(std::string("message '") + e.what() + "' does not contain '" + text + "'");
      }
    }
    return;
  }
  fail("succeeded, expected " + code[0]);
}

void runtime_info(const Case& c) {
  const std::string_view version = onyx::Runtime::version();
  if (version != c.get("ort_version")) fail("version " + std::string(version) + " != " + c.get("ort_version"));
  const std::filesystem::path loaded(onyx::Runtime::path());
  if (!loaded.is_absolute() || !std::filesystem::is_regular_file(loaded)) {
    fail("path " + loaded.string() + " is not an absolute existing file");
  }
}

std::string describe(const onyx::ValueInfo& info) {
  std::vector<std::string> dims;
  for (int64_t d : info.shape) dims.push_back(std::to_string(d));
  if (info.kind != onyx::ValueKind::Tensor || !info.element_type) fail(info.name + " is not a tensor of a known type");
  return info.name + " " + std::to_string(static_cast<uint32_t>(*info.element_type)) + " " + join(dims, ",") + " " +
         join(info.dim_names, ",");
}

void model_info(const Case& c) {
  const onyx::Session& session = suite::shared_session();
  std::vector<std::string> inputs, outputs;
  for (const onyx::ValueInfo& info : session.inputs()) inputs.push_back(describe(info));
  for (const onyx::ValueInfo& info : session.outputs()) outputs.push_back(describe(info));
  if (inputs != c.all("input")) fail("inputs [" + join(inputs, "; ") + "] != [" + join(c.all("input"), "; ") + "]");
  if (outputs != c.all("output")) fail("outputs [" + join(outputs, "; ") + "] != [" + join(c.all("output"), "; ") + "]");

  const onyx::ModelMetadata meta = session.metadata();
  for (const std::string& line : c.all("meta")) {
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space), want = space == std::string::npos ? "" : line.substr(space + 1);
    std::string got;
    if (key == "producer") got = meta.producer;
    else if (key == "graph_name") got = meta.graph_name;
    else if (key == "domain") got = meta.domain;
    else if (key == "description") got = meta.description;
    else if (key == "version") got = meta.version ? std::to_string(*meta.version) : "";
    else fail("unknown meta key '" + key + "'");
    if (got != want) fail("meta " + key + ": '" + got + "' != '" + want + "'");
  }
  const std::vector<std::string> custom = c.all("custom");
  if (meta.custom.size() != custom.size()) {
    fail(std::to_string(meta.custom.size()) + " custom entries, expected " + std::to_string(custom.size()));
  }
  for (const std::string& line : custom) {
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space), want = space == std::string::npos ? "" : line.substr(space + 1);
    const auto found = meta.custom.find(key);
    if (found == meta.custom.end() || found->second != want) fail("custom " + key + " != '" + want + "'");
  }
}

void classify(const Case& c) {
  const std::vector<float> got = logits(suite::shared_session(), read_f32(path(c.get("input"))), shape(c.get("shape")));
  within(got, read_f32(path(c.get("expected"))), c);
  std::vector<size_t> want;
  for (const std::string& index : suite::split(c.get("top5"), ' ')) want.push_back(std::stoul(index));
  const std::vector<size_t> best = top5(got);
  if (best != want) {
    std::vector<std::string> text;
    for (size_t i : best) text.push_back(std::to_string(i));
    fail("top5 " + join(text, " ") + " != " + c.get("top5"));
  }
}

void batch(const Case& c) {
  const std::vector<std::string> inputs = suite::split(c.get("inputs"), ' ');
  const std::vector<std::string> expected = suite::split(c.get("expected"), ' ');
  std::vector<float> stacked;
  for (const std::string& input : inputs) {
    const std::vector<float> image = read_f32(path(input));
    stacked.insert(stacked.end(), image.begin(), image.end());
  }
  const std::vector<float> got =
      logits(suite::shared_session(), stacked, {static_cast<int64_t>(inputs.size()), 3, 224, 224});
  const size_t row_length = got.size() / inputs.size();
  for (size_t row = 0; row < expected.size(); ++row) {
    try {
      within(onyx::Span<const float>(got.data() + row * row_length, row_length), read_f32(path(expected[row])), c);
    } catch (const CaseFailure& e) {
      fail("row " + std::to_string(row) + ": " + e.what());
    }
  }
}

void from_bytes(const Case& c) {
  const std::vector<uint8_t> bytes = suite::read_file(suite::model_path());
  const onyx::Session session = onyx::Session::from_bytes(bytes);
  const std::vector<float> input = read_f32(path(c.get("input")));
  if (!bit_identical(logits(session, input, kImageShape), logits(suite::shared_session(), input, kImageShape))) {
    fail("session from bytes differs from session from file");
  }
  check_expected(session, c);
}

void zero_copy_input(const Case& c) {
  std::vector<float> input = read_f32(path(c.get("input")));
  const onyx::Tensor tensor = onyx::Tensor::borrow(kImageShape, input);
  if (tensor.data() != input.data()) fail("borrowed tensor does not point at the caller's memory");
  const onyx::RunOutputs outputs = suite::shared_session().run({{"input", tensor}});
  within(outputs.at("logits").values<float>(), read_f32(path(c.get("expected"))), c);
}

void output_into_caller(const Case& c) {
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, read_f32(path(c.get("input"))));
  const std::vector<int64_t> out_shape = shape(c.get("output_shape"));
  std::vector<float> buffer(static_cast<size_t>(std::accumulate(out_shape.begin(), out_shape.end(), int64_t{1},
                                                                std::multiplies<>())),
                            std::nanf(""));
  {
    onyx::Tensor output = onyx::Tensor::borrow(out_shape, buffer);
    suite::shared_session().run_into({{"input", input}}, {{"logits", output}});
    if (output.data() != buffer.data()) fail("output tensor moved away from the caller's buffer");
  }
  within(buffer, read_f32(path(c.get("expected"))), c);
}

void threads(const Case& c) {
  const onyx::Session& session = suite::shared_session();
  const std::vector<float> input = read_f32(path(c.get("input")));
  const std::vector<float> alone = logits(session, input, kImageShape);
  const size_t thread_count = static_cast<size_t>(c.number("threads")), runs = static_cast<size_t>(c.number("runs"));
  std::vector<std::vector<std::vector<float>>> results(thread_count);
  std::vector<std::string> errors(thread_count);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < thread_count; ++t) {
    workers.emplace_back([&, t] {
      try {
        for (size_t r = 0; r < runs; ++r) results[t].push_back(logits(session, input, kImageShape));
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (size_t t = 0; t < thread_count; ++t) {
    if (!errors[t].empty()) fail("thread " + std::to_string(t) + ": " + errors[t]);
    for (size_t r = 0; r < results[t].size(); ++r) {
      if (!bit_identical(results[t][r], alone)) {
        fail("thread " + std::to_string(t) + " run " + std::to_string(r) + " differs from a run alone");
      }
    }
  }
}

void options(const Case& c) {
  onyx::SessionOptions options;
  if (c.has("intra_threads")) options.set_intra_op_threads(static_cast<int32_t>(c.number("intra_threads")));
  if (c.has("memory_arena")) options.set_cpu_memory_arena(c.get("memory_arena") == "on");
  if (c.has("memory_pattern")) options.set_memory_pattern(c.get("memory_pattern") == "on");
  if (c.has("optimization")) {
    const std::string& level = c.get("optimization");
    if (level == "disabled") options.set_optimization_level(onyx::OptimizationLevel::Disabled);
    else if (level == "all") options.set_optimization_level(onyx::OptimizationLevel::All);
    else fail("unknown optimization '" + level + "'");
  }
  check_expected(onyx::Session::from_file(suite::model_path(), options), c);
}

void terminate(const Case& c) {
  const size_t batch = static_cast<size_t>(c.number("batch"));
  const std::vector<float> image = read_f32(path(c.get("input")));
  std::vector<float> images;
  for (size_t i = 0; i < batch; ++i) images.insert(images.end(), image.begin(), image.end());
  const onyx::Tensor tensor = onyx::Tensor::copy({static_cast<int64_t>(batch), 3, 224, 224}, images);
  const onyx::RunOptions run_options;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    run_options.terminate();
  });
  try {
    expect_error(c, [&] { suite::shared_session().run(run_options, {{"input", tensor}}); });
  } catch (...) {
    stopper.join();
    throw;
  }
  stopper.join();
  run_options.reset_terminate();
  still_usable();
}

/// `<this executable> --load-runtime <path>` in a fresh process (a process loads
/// ONNX Runtime once); it prints "<code> <message>".
void runtime_path_missing(const Case& c) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command = "'" + self + "' " + suite::kLoadRuntimeFlag + " '" + c.get("path") + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> child(popen(command.c_str(), "r"), pclose);
  if (!child) fail("cannot start " + command);
  std::string text;
  char chunk[512];
  while (size_t n = std::fread(chunk, 1, sizeof chunk, child.get())) text.append(chunk, n);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t space = text.find(' ');
  if (space == std::string::npos) fail("child printed '" + text + "'");
  const auto code = static_cast<onyx::ErrorCode>(std::stoul(text.substr(0, space)));
  const std::string message = text.substr(space + 1);
  expect_error(c, [&] { throw onyx::Error(code, message); });
}

/// Reads `tensor` through the public typed read of the C++ type whose ONNX element
/// type is `number`.
void read_as(const onyx::Tensor& tensor, uint32_t number) {
  switch (static_cast<onyx::ElementType>(number)) {
    case onyx::ElementType::Float32: (void)tensor.values<float>(); return;
    case onyx::ElementType::UInt8: (void)tensor.values<uint8_t>(); return;
    case onyx::ElementType::Int8: (void)tensor.values<int8_t>(); return;
    case onyx::ElementType::UInt16: (void)tensor.values<uint16_t>(); return;
    case onyx::ElementType::Int16: (void)tensor.values<int16_t>(); return;
    case onyx::ElementType::Int32: (void)tensor.values<int32_t>(); return;
    case onyx::ElementType::Int64: (void)tensor.values<int64_t>(); return;
    case onyx::ElementType::Bool: (void)tensor.values<bool>(); return;
    case onyx::ElementType::Float16: (void)tensor.values<onyx::Float16>(); return;
    case onyx::ElementType::Float64: (void)tensor.values<double>(); return;
    case onyx::ElementType::UInt32: (void)tensor.values<uint32_t>(); return;
    case onyx::ElementType::UInt64: (void)tensor.values<uint64_t>(); return;
    case onyx::ElementType::BFloat16: (void)tensor.values<onyx::BFloat16>(); return;
    default: break;  // Undefined, String and the raw-byte types have no typed read
  }
  fail("no C++ type for element type " + std::to_string(number));
}

const char* const kHostKernelFailure = "host kernel failed on purpose";

/// The case's `operator <domain> <name>`: one of the suite's two kernels, written in C++
/// (ScaleShift: y = alpha * x + beta in float, no fused multiply-add; Fail: throws the
/// suite's error), with its `declare_attribute <name> <KIND>` lines.
onyx::Operator host_operator(const Case& c) {
  const std::vector<std::string> fields = suite::split(c.get("operator"), ' ');
  const std::string& name = fields.at(1);
  std::vector<std::pair<std::string, onyx::AttributeKind>> attributes;
  if (name == "ScaleShift") attributes = {{"alpha", onyx::AttributeKind::Float}, {"beta", onyx::AttributeKind::Float}};
  for (const std::string& line : c.all("declare_attribute")) {
    const std::vector<std::string> declared = suite::split(line, ' ');
    const std::string& kind = declared.at(1);
    attributes.emplace_back(declared.at(0), kind == "FLOAT" ? onyx::AttributeKind::Float
                                            : kind == "INT" ? onyx::AttributeKind::Int
                                                            : onyx::AttributeKind::String);
  }
  onyx::Kernel kernel;
  if (name == "ScaleShift") {
    kernel = [](onyx::KernelContext& context) {
      const float alpha = context.attribute_float("alpha"), beta = context.attribute_float("beta");
      const onyx::Tensor& x = context.input(0);
      onyx::Tensor& y = context.output(0, x.shape());
      const onyx::Span<const float> in = x.values<float>();
      const onyx::Span<float> out = y.mutable_values<float>();
      for (size_t i = 0; i < in.size(); i++) {
        volatile float product = alpha * in[i];  // rounded before the sum
        out[i] = product + beta;
      }
    };
  } else {
    kernel = [](onyx::KernelContext&) { throw std::runtime_error(kHostKernelFailure); };
  }
  return onyx::Operator(fields.at(0), name, {onyx::ElementType::Float32}, {onyx::ElementType::Float32}, std::move(kernel), attributes);
}

/// Session options with the case's `libraries` (own, extensions) added in order, and its
/// host operator.
onyx::SessionOptions options_with_libraries(const Case& c) {
  onyx::SessionOptions options;
  if (c.has("libraries")) {
    for (const std::string& which : suite::split(c.get("libraries"), ' ')) {
      options.add_custom_op_library(path(spec().header.get("custom_op_library_" + which)));
    }
  }
  if (c.has("operator")) options.add_operator(host_operator(c));
  return options;
}

/// Loads the case's model with its libraries and runs it on its `input` lines.
onyx::RunOutputs load_and_run(const Case& c) {
  const onyx::Session session = onyx::Session::from_file(path(c.get("model")), options_with_libraries(c));
  std::vector<onyx::Tensor> tensors;
  std::vector<std::string> names;
  for (const std::string& line : c.all("input")) {
    const std::vector<std::string> fields = suite::split(line, ' ');
    names.push_back(fields[0]);
    tensors.push_back(onyx::Tensor::copy(shape(fields[2]), read_f32(path(fields[1]))));
  }
  std::vector<onyx::Input> inputs;
  for (size_t i = 0; i < tensors.size(); ++i) inputs.emplace_back(names[i], tensors[i]);
  return session.run(inputs);
}

/// classify_0's input on the shared session, with run options holding the case's config entry.
std::vector<float> run_with_config(const Case& c) {
  onyx::RunOptions options;
  options.add_config_entry(c.get("key"), c.get("value"));
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, read_f32(path(spec().find("classify_0").get("input"))));
  return suite::shared_session().run(options, {{"input", input}}).at("logits").to_vector<float>();
}

void profiling(const Case& c) {
  const char* tmp = std::getenv("TMPDIR");
  onyx::SessionOptions options;
  options.enable_profiling(std::string(tmp && *tmp ? tmp : "/tmp") + "/" + c.get("prefix"));
  const onyx::Session session = onyx::Session::from_file(suite::model_path(), options);
  check_expected(session, c);
  const std::string file = session.end_profiling();
  const std::vector<uint8_t> bytes = suite::read_file(file);
  std::filesystem::remove(file);
  std::string compact;
  for (uint8_t b : bytes) {
    if (!std::isspace(b)) compact.push_back(static_cast<char>(b));
  }
  if (compact.size() < 2 || compact.front() != '[' || compact.back() != ']') fail("profile " + file + " is not a JSON array");
  if (compact.find(c.get("contains")) == std::string::npos) fail("profile " + file + " has no " + c.get("contains"));
}

void dimension_override(const Case& c) {
  onyx::SessionOptions options;
  options.add_free_dimension_override(c.get("dimension"), static_cast<int64_t>(std::stoll(c.get("value"))));
  const onyx::Session session = onyx::Session::from_file(suite::model_path(), options);
  if (session.input(0).shape != shape(c.get("input_shape"))) fail("input 0 does not have shape " + c.get("input_shape"));
  check_expected(session, c);
  const onyx::Tensor wrong = onyx::Tensor::zeros<float>(shape(c.get("wrong_shape")));
  expect_error(c, [&] { session.run({{"input", wrong}}); });
}

void custom_op(const Case& c) {
  const onyx::RunOutputs outputs = load_and_run(c);
  const std::vector<std::string> wanted = c.all("output");
  if (outputs.size() != wanted.size()) fail(std::to_string(outputs.size()) + " outputs, the spec names " + std::to_string(wanted.size()));
  for (size_t i = 0; i < wanted.size(); ++i) {
    const std::vector<std::string> fields = suite::split(wanted[i], ' ');
    try {
      within(outputs[i].values<float>(), read_f32(path(fields[1])), c);
    } catch (const CaseFailure& e) {
      fail("output " + fields[0] + ": " + e.what());
    }
  }
}

onyx::Session load_escaping(const Case& c, bool allow);
void async_bad_input(const Case& c);

void provoke(const Case& c) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor good = onyx::Tensor::copy(kImageShape, read_f32(path(spec().find("classify_0").get("input"))));
  const std::string& trigger = c.get("trigger");
  if (trigger == "end_profiling") {
    expect_error(c, [&] { (void)session.end_profiling(); });
  } else if (trigger == "run_config_value") {
    expect_error(c, [&] { run_with_config(c); });
  } else if (trigger == "free_dimension_override") {
    expect_error(c, [&] { onyx::SessionOptions().add_free_dimension_override(c.get("dimension"), std::stoll(c.get("value"))); });
  } else if (trigger == "load_and_run" || trigger == "host_kernel") {
    expect_error(c, [&] { load_and_run(c); });
  } else if (trigger == "custom_op_library") {
    expect_error(c, [&] { onyx::SessionOptions().add_custom_op_library(path(c.get("library"))); });
  } else if (trigger == "missing_model_file") {
    expect_error(c, [&] { onyx::Session::from_file(path(c.get("path"))); });
  } else if (trigger == "corrupt_bytes") {
    std::vector<uint8_t> bytes = suite::read_file(suite::model_path());
    bytes.resize(1000);
    for (uint8_t& b : bytes) b ^= 0x5A;
    expect_error(c, [&] { onyx::Session::from_bytes(bytes); });
  } else if (trigger == "empty_bytes") {
    expect_error(c, [&] { onyx::Session::from_bytes(std::vector<uint8_t>{}); });
  } else if (trigger == "input_shape") {
    const std::vector<int64_t> dims = shape(c.get("shape"));
    const std::vector<float> zeros(static_cast<size_t>(
        std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>())));
    const onyx::Tensor tensor = onyx::Tensor::copy(dims, zeros);
    expect_error(c, [&] { session.run({{"input", tensor}}); });
  } else if (trigger == "buffer_length") {
    const std::vector<float> buffer(static_cast<size_t>(c.number("elements")));
    expect_error(c, [&] { onyx::Tensor::copy(shape(c.get("shape")), buffer); });
  } else if (trigger == "element_type") {
    const auto type = static_cast<onyx::ElementType>(static_cast<uint32_t>(c.number("elem_type")));
    const onyx::Tensor tensor = onyx::Tensor::zeros(type, kImageShape);
    expect_error(c, [&] { session.run({{"input", tensor}}); });
  } else if (trigger == "unknown_input") {
    expect_error(c, [&] { session.run({{"input", good}, {c.get("input_name"), good}}); });
  } else if (trigger == "missing_input") {
    expect_error(c, [&] { session.run({}); });
  } else if (trigger == "unknown_output") {
    expect_error(c, [&] { session.run({{"input", good}}, {c.get("output_name")}); });
  } else if (trigger == "output_shape") {
    onyx::Tensor output = onyx::Tensor::zeros<float>(shape(c.get("output_shape")));
    expect_error(c, [&] { session.run_into({{"input", good}}, {{"logits", output}}); });
  } else if (trigger == "read_as") {
    const onyx::RunOutputs outputs = session.run({{"input", good}});
    const onyx::Tensor& logits = outputs.at("logits");
    expect_error(c, [&] { read_as(logits, static_cast<uint32_t>(c.number("elem_type"))); });
  } else if (trigger == "output_aliases_input") {
    // The input tensor itself, mutable only so it can be passed as an output.
    onyx::Tensor input = onyx::Tensor::copy(kImageShape, read_f32(path(spec().find("classify_0").get("input"))));
    expect_error(c, [&] { session.run_into({{"input", input}}, {{"logits", input}}); });
  } else if (trigger == "intra_threads") {
    expect_error(c, [&] {
      onyx::SessionOptions options;
      options.set_intra_op_threads(static_cast<int32_t>(c.number("threads")));
      onyx::Session::from_file(suite::model_path(), options);
    });
  } else if (trigger == "input_index") {
    expect_error(c, [&] { session.input(static_cast<size_t>(c.number("index"))); });
  } else if (trigger == "abi_major") {
    const uint32_t major = static_cast<uint32_t>(c.number("major"));
    expect_error(c, [&] { onyx::check_abi_version(major << 16); });
  } else if (trigger == "runtime_path_missing") {
    runtime_path_missing(c);
  } else if (trigger == "async_bad_input") {
    async_bad_input(c);
  } else if (trigger == "external_data_outside") {
    expect_error(c, [&] { load_escaping(c, false); });
  } else {
    fail("unknown trigger '" + trigger + "'");
  }
}

/// Each line `<f32 bits> <16-bit result>` of `file`, through `convert`.
template <typename Convert>
void float_vector_file(const std::string& file, const char* what, Convert&& convert) {
  const std::vector<uint8_t> bytes = suite::read_file(path(file));
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  std::string line;
  size_t checked = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = suite::split(line, ' ');
    if (fields.size() != 2 || fields[0].size() != 8 || fields[1].size() != 4) fail(file + ": bad line '" + line + "'");
    const uint32_t bits = static_cast<uint32_t>(std::stoul(fields[0], nullptr, 16));
    const uint16_t want = static_cast<uint16_t>(std::stoul(fields[1], nullptr, 16));
    float value;
    std::memcpy(&value, &bits, sizeof value);
    const uint16_t got = convert(value);
    if (got != want) {
      char why[160];
      std::snprintf(why, sizeof why, "%s(%08x) gave %04x, expected %04x (%s)", what, static_cast<unsigned>(bits),
                    static_cast<unsigned>(got), static_cast<unsigned>(want), file.c_str());
      fail(why);
    }
    ++checked;
  }
  if (checked == 0) fail(file + " has no vectors");
}

void float_vectors(const Case& c) {
  float_vector_file(c.get("bfloat16"), "BFloat16", [](float f) { return onyx::BFloat16(f).bits; });
  float_vector_file(c.get("float16"), "Float16", [](float f) { return onyx::Float16(f).bits; });
}

/// Loads a model of the hostile corpus by path or from its bytes; checks code and time.
void hostile_model(const Case& c) {
  const std::string& model = c.get("model");
  const std::string file = model.front() == '/' ? model : path(model);
  std::vector<uint8_t> bytes;
  const bool from_bytes = c.get("load") == "bytes";
  if (from_bytes) bytes = suite::read_file(file);
  const auto start = std::chrono::steady_clock::now();
  double took = 0;
  const auto load = [&] {
    const onyx::Session session = from_bytes ? onyx::Session::from_bytes(bytes.data(), bytes.size()) : onyx::Session::from_file(file);
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (c.has("custom_count") && std::to_string(session.metadata().custom.size()) != c.get("custom_count")) {
      fail(std::to_string(session.metadata().custom.size()) + " custom metadata entries, expected " + c.get("custom_count"));
    }
  };
  if (c.get("code") == "OK") {
    try {
      load();
    } catch (const onyx::Error& e) {
      fail(std::string("load: ") + e.what());
    }
  } else {
    expect_error(c, load);
    took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  if (took > c.number("seconds")) fail("the load took " + std::to_string(took) + " s, more than " + c.get("seconds") + " s");
  still_usable();
}

// --- asynchronous runs ---------------------------------------------------------------

/// A zero tensor of the case's (wrong) shape: starting the run succeeds, its AsyncRun
/// carries the error.
void async_bad_input(const Case& c) {
  const onyx::Tensor input = onyx::Tensor::zeros<float>(shape(c.get("shape")));
  onyx::AsyncRun run;
  try {
    run = suite::shared_session().run_async({{"input", input}});
  } catch (const onyx::Error& e) {
    fail(std::string("run_async threw ") + e.code_name() + " '" + e.what() +
         "' (the mistake must reach the AsyncRun, not the call)");
  }
  expect_error(c, [&] { run.get(); });
}

/// The outputs of run.get(), or the error it threw.
struct AsyncResult {
  std::optional<onyx::RunOutputs> outputs;
  std::optional<onyx::Error> error;
};

AsyncResult await(onyx::AsyncRun& run) {
  AsyncResult result;
  try {
    result.outputs = run.get();
  } catch (const onyx::Error& e) {
    result.error = e;
  }
  return result;
}

/// Three images as three concurrent runs on the shared session; run `cancel` is
/// cancelled right after all three have started.
void async_runs(const Case& c) {
  const std::vector<std::string> inputs = suite::split(c.get("inputs"), ' ');
  const std::vector<std::string> expected = suite::split(c.get("expected"), ' ');
  const size_t cancel = static_cast<size_t>(c.number("cancel"));
  if (inputs.size() != expected.size() || cancel >= inputs.size()) fail("bad inputs/expected/cancel fields");
  std::vector<onyx::Tensor> images;
  for (const std::string& input : inputs) images.push_back(onyx::Tensor::copy(kImageShape, read_f32(path(input))));
  std::vector<onyx::AsyncRun> runs;
  for (onyx::Tensor& image : images) runs.push_back(suite::shared_session().run_async({{"input", std::move(image)}}));
  for (const onyx::Tensor& image : images) {
    if (image) fail("run_async did not take the tensor given as an rvalue");
  }
  const bool in_time = runs[cancel].cancel();
  std::vector<AsyncResult> results;
  for (onyx::AsyncRun& run : runs) results.push_back(await(run));
  if (!in_time) fail("cancel came too late: run " + std::to_string(cancel) + " had already finished");
  for (size_t i = 0; i < runs.size(); ++i) {
    const AsyncResult& r = results[i];
    if (i == cancel) {
      try {
        expect_error(c, [&] {
          if (r.error) throw *r.error;
        });
      } catch (const CaseFailure& e) {
        fail("run " + std::to_string(i) + " (cancelled): " + e.what());
      }
    } else if (r.error) {
      fail("run " + std::to_string(i) + " failed: " + r.error->code_name() + ": " + r.error->what());
    } else {
      try {
        within(r.outputs->at("logits").values<float>(), read_f32(path(expected[i])), c);
      } catch (const CaseFailure& e) {
        fail("run " + std::to_string(i) + ": " + e.what());
      }
    }
  }
  still_usable();
}

/// A new session destroyed right after starting a run on it: the run still completes.
void async_close(const Case& c) {
  onyx::Session session = onyx::Session::from_file(suite::model_path());
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, read_f32(path(c.get("input"))));
  onyx::AsyncRun run = session.run_async({{"input", input}});
  session = onyx::Session();  // frees the session while the run is in flight
  const AsyncResult r = await(run);
  if (r.error) fail(std::string("the run failed: ") + r.error->code_name() + ": " + r.error->what());
  within(r.outputs->at("logits").values<float>(), read_f32(path(c.get("expected"))), c);
}

// --- external data --------------------------------------------------------------------

void external_data(const Case& c) {
  const std::string model = path(c.get("model"));
  const std::vector<float> image = read_f32(path(c.get("input")));
  const std::vector<float> by_file = logits(onyx::Session::from_file(model), image, kImageShape);
  within(by_file, read_f32(path(c.get("expected"))), c);
  onyx::SessionOptions options;
  {
    const std::vector<uint8_t> data = suite::read_file(path(c.get("data")));
    options.add_external_data(c.get("data_file"), data);
  }  // freed: the options hold a copy
  const std::vector<uint8_t> bytes = suite::read_file(model);
  const onyx::Session from_memory = onyx::Session::from_bytes(bytes, options);
  if (!bit_identical(logits(from_memory, image, kImageShape), by_file)) {
    fail("the logits with the data from memory differ from those from the path");
  }
}

/// The case's model, whose external data lies outside its folder; with the opt-in when `allow`.
onyx::Session load_escaping(const Case& c, bool allow) {
  onyx::SessionOptions options;
  if (allow) options.set_external_data_outside_model_folder(true);
  return onyx::Session::from_file(path(c.get("model")), options);
}

void external_data_outside(const Case& c) {
  const onyx::Session session = load_escaping(c, true);
  const std::vector<std::string> in = suite::split(c.get("input"), ' '), out = suite::split(c.get("output"), ' ');
  if (in.size() != 3 || out.size() != 2) fail("bad input/output fields");
  const onyx::Tensor x = onyx::Tensor::copy(shape(in[2]), read_f32(path(in[1])));
  const onyx::RunOutputs outputs = session.run({{in[0], x}}, {out[0]});
  within(outputs.at(out[0]).values<float>(), read_f32(path(out[1])), c);
}

// --- shared weights -------------------------------------------------------------------

/// `sessions` sessions on one group: the model's weights held once, the same logits.
void shared_weights(const Case& c) {
  onyx::SharedWeights group;
  onyx::SessionOptions options;
  options.set_shared_weights(&group);
  const std::vector<float> image = read_f32(path(c.get("input")));
  const std::vector<float> plain = logits(suite::shared_session(), image, kImageShape);
  std::vector<onyx::Session> sessions;
  const size_t count = std::stoul(c.get("sessions"));
  for (size_t i = 0; i < count; ++i) {
    sessions.push_back(onyx::Session::from_file(suite::model_path(), options));
    const std::vector<float> got = logits(sessions.back(), image, kImageShape);
    within(got, read_f32(path(c.get("expected"))), c);
    if (!bit_identical(got, plain)) fail("session " + std::to_string(i) + ": the logits differ from an unshared session's");
  }
  const size_t min_bytes = std::stoull(c.get("min_shared_bytes"));
  if (group.model_count() != 1 || group.byte_length() < min_bytes) {
    fail("the group holds " + std::to_string(group.model_count()) + " models and " + std::to_string(group.byte_length()) +
         " bytes, expected 1 model and at least " + std::to_string(min_bytes) + " bytes");
  }
  sessions.clear();
  if (group.model_count() != 0) fail("the group still holds a model after its sessions were destroyed");
}

// --- log callback ---------------------------------------------------------------------

/// What the callback saw; shared with it, so it outlives any late call.
struct LogRecord {
  std::mutex lock;
  size_t lines = 0, below_level = 0, matching = 0;
  uint32_t level = 0;
  std::string contains, first;
};

/// The number after a level's name ("VERBOSE 0" -> 0).
uint32_t level_number(const Case& c, const char* key) {
  const std::vector<std::string> fields = suite::split(c.get(key), ' ');
  if (fields.size() != 2) fail(std::string("bad ") + key + " field '" + c.get(key) + "'");
  return static_cast<uint32_t>(std::stoul(fields[1]));
}

void log_callback(const Case& c) {
  const uint32_t loud_level = level_number(c, "level"), quiet_level = level_number(c, "quiet_level");
  auto record = std::make_shared<LogRecord>();
  record->level = loud_level;
  record->contains = c.get("message_contains");
  const std::string tiny = path(spec().header.get("tiny_model"));
  // Back to WARNING and stderr however the case ends.
  struct Restore {
    ~Restore() {
      try {
        onyx::Runtime::set_log_level(onyx::LogLevel::Warning);
        onyx::Runtime::set_log_callback(nullptr);
      } catch (...) {
      }
    }
  } restore;
  onyx::Runtime::set_log_callback([record](onyx::LogLevel level, std::string_view category, std::string_view message) {
    const std::lock_guard<std::mutex> lock(record->lock);
    ++record->lines;
    if (static_cast<uint32_t>(level) < record->level) ++record->below_level;
    if (message.find(record->contains) != std::string_view::npos) ++record->matching;
    if (record->lines == 1) record->first = "[" + std::string(category) + "] " + std::string(message);
  });
  const auto load_tiny = [&] { (void)onyx::Session::from_file(tiny); };
  onyx::Runtime::set_log_level(static_cast<onyx::LogLevel>(loud_level));
  load_tiny();
  size_t loud, below, matching;
  {
    const std::lock_guard<std::mutex> lock(record->lock);
    loud = record->lines, below = record->below_level, matching = record->matching;
    record->lines = 0;
  }
  onyx::Runtime::set_log_level(static_cast<onyx::LogLevel>(quiet_level));
  load_tiny();
  size_t quiet;
  {
    const std::lock_guard<std::mutex> lock(record->lock);
    quiet = record->lines;
  }
  if (loud == 0) fail("no log line reached the callback at level " + std::to_string(loud_level));
  if (below != 0) fail(std::to_string(below) + " lines below level " + std::to_string(loud_level) + " reached the callback");
  if (matching == 0) fail("no line contains '" + record->contains + "' (first line: " + record->first + ")");
  if (quiet != 0) fail(std::to_string(quiet) + " lines reached the callback at level " + std::to_string(quiet_level));
}

// --- real models: OCR and scikit-learn -------------------------------------------------

/// Rust's `str::split(separator)`: every piece, empty ones included.
std::vector<std::string> split_all(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

/// The text a CTC text recogniser reads: the best class per time step (the first of
/// equals), repeats merged, blanks (class 0) dropped. Its dictionary is the model's
/// metadata `character` (one symbol per line), after the blank and before a space
/// (the last class).
std::string recognise(const onyx::Session& session, const onyx::Tensor& image) {
  const onyx::RunOutputs outputs = session.run({{session.input(0).name, image}});
  const onyx::Tensor& probabilities = outputs[0];
  const std::vector<int64_t> dims = probabilities.shape();
  const size_t classes = dims.empty() ? 1 : static_cast<size_t>(dims.back());
  const std::map<std::string, std::string> custom = session.metadata().custom;
  const auto found = custom.find("character");
  const std::vector<std::string> dictionary = split_all(found != custom.end() ? found->second : "", '\n');
  const onyx::Span<const float> p = probabilities.values<float>();
  std::string text;
  size_t previous = 0;
  for (size_t step = 0; step + classes <= p.size(); step += classes) {
    size_t best = 0;
    for (size_t i = 0; i < classes; ++i) {
      if (p[step + i] > p[step + best]) best = i;
    }
    if (best != 0 && best != previous) text += best <= dictionary.size() ? dictionary[best - 1] : " ";
    previous = best;
  }
  return text;
}

void ocr(const Case& c) {
  const onyx::Session session = onyx::Session::from_file(path(c.get("model")));
  const onyx::Tensor input = onyx::Tensor::copy(shape(c.get("shape")), read_f32(path(c.get("input"))));
  const std::string got = recognise(session, input);
  if (got != c.get("text")) fail("read \"" + got + "\", ONNX Runtime's Python binding read \"" + c.get("text") + "\"");
}

void values_case(const Case& c) {
  try {
    case_folder::run_case(path(c.get("dir")), onyx::SessionOptions());
  } catch (const case_folder::Failure& e) {
    fail(e.what());
  }
}

void run_case(const Case& c) {
  const std::string& kind = c.get("kind");
  if (kind == "runtime_info") runtime_info(c);
  else if (kind == "model_info") model_info(c);
  else if (kind == "classify") classify(c);
  else if (kind == "batch") batch(c);
  else if (kind == "from_bytes") from_bytes(c);
  else if (kind == "zero_copy_input") zero_copy_input(c);
  else if (kind == "output_into_caller") output_into_caller(c);
  else if (kind == "threads") threads(c);
  else if (kind == "options") options(c);
  else if (kind == "terminate") terminate(c);
  else if (kind == "float_vectors") float_vectors(c);
  else if (kind == "hostile_model") hostile_model(c);
  else if (kind == "custom_op" || kind == "host_kernel") custom_op(c);
  else if (kind == "dimension_override") dimension_override(c);
  else if (kind == "profiling") profiling(c);
  else if (kind == "async_runs") async_runs(c);
  else if (kind == "async_close") async_close(c);
  else if (kind == "external_data") external_data(c);
  else if (kind == "external_data_outside") external_data_outside(c);
  else if (kind == "log_callback") log_callback(c);
  else if (kind == "shared_weights") shared_weights(c);
  else if (kind == "ocr") ocr(c);
  else if (kind == "values") values_case(c);
  else if (kind == "run_config") {
    const std::vector<float> got = run_with_config(c);
    within(onyx::Span<const float>(got.data(), got.size()), read_f32(path(c.get("expected"))), c);
  }
  else if (kind == "error") {
    provoke(c);
    still_usable();
  } else fail("unknown case kind '" + kind + "'");
}

/// The parameter is the case's index in spec.txt (the listener in main.cpp maps it
/// back to the case's name for the `[cpp] ...` line).
class SuiteCase : public testing::TestWithParam<size_t> {};

TEST_P(SuiteCase, Run) {
  const Case& c = spec().cases.at(GetParam());
  const std::vector<std::string> langs = c.all("langs");
  if (!langs.empty()) {
    const std::vector<std::string> listed = suite::split(join(langs, " "), ' ');
    if (std::find(listed.begin(), listed.end(), "cpp") == listed.end()) {
      GTEST_SKIP() << "only for " << join(langs, " ");
    }
  }
  try {
    run_case(c);
  } catch (const CaseFailure& e) {
    FAIL() << e.what();
  } catch (const onyx::Error& e) {
    FAIL() << e.code_name() << ": " << e.what();
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }
}

std::vector<size_t> case_indices() {
  std::vector<size_t> indices(spec().cases.size());
  std::iota(indices.begin(), indices.end(), size_t{0});
  return indices;
}

std::string case_test_name(const testing::TestParamInfo<size_t>& info) {
  std::string name = spec().cases.at(info.param).name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Spec, SuiteCase, testing::ValuesIn(case_indices()), case_test_name);

}  // namespace
