// Compile test for onyx.hpp: built as C++17 and C++20 with -Wall -Wextra -Wpedantic
// -Werror, with and without exceptions (ONYX_NO_EXCEPTIONS). Building it is the test;
// it instantiates every template so a warning anywhere in the header shows up.
#include "onyx.hpp"
#include "onyx.hpp"  // included twice on purpose

#include <type_traits>

namespace {

static_assert(!std::is_copy_constructible_v<onyx::Session> && std::is_nothrow_move_constructible_v<onyx::Session>);
static_assert(!std::is_copy_constructible_v<onyx::Tensor> && std::is_nothrow_move_constructible_v<onyx::Tensor>);
static_assert(!std::is_copy_assignable_v<onyx::SessionOptions> && std::is_nothrow_move_assignable_v<onyx::SessionOptions>);
static_assert(!std::is_copy_assignable_v<onyx::RunOptions> && std::is_nothrow_move_assignable_v<onyx::RunOptions>);
static_assert(!std::is_copy_constructible_v<onyx::AsyncRun> && std::is_nothrow_move_constructible_v<onyx::AsyncRun>);
static_assert(!std::is_copy_assignable_v<onyx::AsyncRun> && std::is_nothrow_move_assignable_v<onyx::AsyncRun>);
static_assert(std::is_base_of_v<std::runtime_error, onyx::Error>);
static_assert(onyx::element_type_of<float> == onyx::ElementType::Float32);
static_assert(onyx::element_type_of<const double> == onyx::ElementType::Float64);
static_assert(onyx::element_type_of<onyx::Float16> == onyx::ElementType::Float16);
static_assert(onyx::element_type_of<onyx::BFloat16> == onyx::ElementType::BFloat16);
static_assert(static_cast<uint32_t>(onyx::ErrorCode::AbiMismatch) == ONYX_ERROR_ABI_MISMATCH);

template <typename T>
void typed(onyx::Tensor& tensor) {
  onyx::Tensor zeros = onyx::Tensor::zeros<T>({2, 2});
  T values[4] = {};
  onyx::Tensor copy = onyx::Tensor::copy({4}, values, 4);
  onyx::Tensor borrowed = onyx::Tensor::borrow({4}, values, 4);
  if constexpr (!std::is_same_v<T, bool>) {
    std::vector<T> vector(4);
    onyx::Tensor copy2 = onyx::Tensor::copy<T>({2, 2}, vector);
    onyx::Tensor borrowed2 = onyx::Tensor::borrow({2, 2}, vector);
  }
  const onyx::Tensor& view = tensor;
  (void)view.data<T>();
  (void)view.values<T>();
  (void)view.to_vector<T>();
  (void)tensor.mutable_data<T>();
  (void)tensor.mutable_values<T>();
}

}  // namespace

// Never called: only compiled.
void onyx_compile_check(const char* path);
void onyx_compile_check(const char* path) {
  onyx::Runtime::init();
  onyx::Runtime::init(path);
  (void)onyx::Runtime::version();
  (void)onyx::Runtime::path();
  (void)onyx::Runtime::abi_version();
  onyx::Runtime::set_log_level(onyx::LogLevel::Error);

  onyx::SessionOptions options;
  options.set_intra_op_threads(1).set_inter_op_threads(1).set_optimization_level(onyx::OptimizationLevel::All);
  options.append_execution_provider("XNNPACK").set_allow_provider_fallback(true).set_deterministic_compute(true);
  options.add_config_entry("session.load_model_format", "ONNX");

  onyx::Session session = onyx::Session::from_file(path, options);
  std::vector<uint8_t> bytes;
  onyx::Session other = onyx::Session::from_bytes(bytes);
  other = onyx::Session::from_bytes(bytes.data(), bytes.size(), options);
  other = std::move(session);
  std::vector<onyx::ValueInfo> inputs = other.inputs();
  onyx::ModelMetadata meta = other.metadata();
  (void)inputs;
  (void)meta;

  onyx::Tensor input = onyx::Tensor::zeros(onyx::ElementType::Float32, {1, 3, 224, 224});
  onyx::RunOptions run_options;
  run_options.set_tag("compile");
  (void)run_options.tag();
  onyx::RunOutputs outputs = other.run({{"input", input}});
  outputs = other.run({{"input", input}}, {"logits"});
  outputs = other.run(run_options, {{"input", input}}, {std::string("logits")});
  const onyx::RunOutputs& view = outputs;
  for (const onyx::Tensor& tensor : view) (void)tensor.byte_length();
  (void)view.at("logits");
  (void)view.name(0);
  (void)view.names();
  onyx::Tensor kept = std::move(outputs[0]);
  onyx::Tensor logits = onyx::Tensor::zeros<float>({1, 1000});
  other.run_into({{"input", input}}, {{"logits", logits}});
  other.run_into(run_options, {{"input", input}}, {{"logits", logits}});
  run_options.terminate();
  run_options.reset_terminate();

  onyx::AsyncRun async = other.run_async({{"input", input}});
  onyx::AsyncRun async2 = other.run_async(run_options, {{"input", onyx::Tensor::zeros<float>({1, 3, 224, 224})}}, {"logits"});
  async = std::move(async2);
  (void)async.cancel();
  async.wait();
  (void)async.wait_for(std::chrono::milliseconds(1));
  (void)async.valid();
  (void)async.handle();
  std::future<onyx::RunOutputs>& future = async.future();
  (void)future;
  outputs = async.get();
  onyx::Runtime::set_log_callback([](onyx::LogLevel, std::string_view, std::string_view) {});
  onyx::Runtime::set_log_callback(nullptr);
  options.add_external_data("weights.bin", bytes.data(), bytes.size()).add_external_data("other.bin", bytes);
  options.set_external_data_outside_model_folder(true);

  typed<float>(input);
  typed<double>(input);
  typed<int8_t>(input);
  typed<uint8_t>(input);
  typed<int16_t>(input);
  typed<uint16_t>(input);
  typed<int32_t>(input);
  typed<uint32_t>(input);
  typed<int64_t>(input);
  typed<uint64_t>(input);
  typed<bool>(input);
  typed<onyx::Float16>(input);
  typed<onyx::BFloat16>(input);
  (void)onyx::Float16(1.5f).to_float();
  (void)static_cast<float>(onyx::BFloat16(1.5f));
  (void)onyx::error_code_name(onyx::ErrorCode::ShapeMismatch);
  (void)onyx::element_size(onyx::ElementType::Float16);
  (void)onyx::element_type_name(onyx::ElementType::Int64);
  onyx::check_abi_version(onyx::Runtime::abi_version());
  (void)other.input(0).kind;

  // Values: builders, views, copies into C++ types, run_values, full types.
  onyx::Tensor words = onyx::Tensor::from_strings({2}, {"a", "b"});
  const std::string_view views[] = {"c"};
  onyx::Tensor more = onyx::Tensor::from_strings({1}, views, 1);
  (void)words.string(0);
  std::vector<std::string> copied = more.strings();
  onyx::Value text = onyx::Value::tensor(std::move(words));
  std::vector<onyx::Value> items;
  items.push_back(onyx::Value::map(onyx::Tensor::zeros<int64_t>({1}), onyx::Tensor::zeros<float>({1})));
  onyx::Value sequence = onyx::Value::sequence(std::move(items));
  for (const onyx::Value& item : sequence.items()) {
    (void)item.to_map<int64_t, float>();
    (void)item.keys().element_count();
    (void)item.values().element_count();
  }
  (void)text.to_map<std::string, std::string>();
  (void)text.to_map<int64_t, double>();
  onyx::Value present = onyx::Value::optional(std::move(sequence));
  onyx::Value absent = onyx::Value::optional();
  (void)present.item().kind();
  (void)present.has_value();
  (void)absent.size();
  (void)text.tensor().element_type();
  onyx::ValueOutputs values = other.run_values({{"text", text}, {"absent", absent}});
  values = other.run_values(run_options, {{"text", text}}, {"label"});
  for (const onyx::Value& value : values) (void)value.kind();
  onyx::Value kept_value = std::move(values[0]);
  (void)kept_value.release();
  const onyx::ValueType type = other.output(0).value_type;
  (void)type.kind();
  (void)type.element_type();
  (void)type.key_type();
  (void)(type.item() != nullptr ? type.item()->to_string() : type.name());
  (void)(type == other.input(0).value_type);
  (void)onyx::element_size(onyx::ElementType::Int4);
#ifdef ONYX_NO_EXCEPTIONS
  onyx::set_error_handler([](const onyx::Error&) {});
#endif
}
