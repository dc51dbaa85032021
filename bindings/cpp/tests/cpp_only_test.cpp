// Tests of what only the C++ layer adds: ownership (move semantics), the tables
// (every enum checked against onyx.h as text and libonyx), errors carried by
// onyx::Error with core's codes, typed access, 16-bit floats through core,
// RunOutputs, and one session shared by std::threads. These are not cases of the shared suite, so they
// print no `[cpp] ...` line; gtest reports them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>
#include <type_traits>

#include "suite.hpp"

namespace {

const std::vector<int64_t> kImageShape = {1, 3, 224, 224};

std::vector<float> image() { return suite::read_f32(suite::spec().path(suite::spec().find("classify_0").get("input"))); }

// --- ownership -------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<onyx::Session> && !std::is_copy_assignable_v<onyx::Session>);
static_assert(!std::is_copy_constructible_v<onyx::Tensor> && !std::is_copy_assignable_v<onyx::Tensor>);
static_assert(!std::is_copy_constructible_v<onyx::SessionOptions> && !std::is_copy_constructible_v<onyx::RunOptions>);
static_assert(std::is_nothrow_move_constructible_v<onyx::Session> && std::is_nothrow_move_assignable_v<onyx::Session>);
static_assert(std::is_nothrow_move_constructible_v<onyx::Tensor> && std::is_nothrow_move_assignable_v<onyx::Tensor>);
static_assert(sizeof(onyx::Tensor) == sizeof(onyx_tensor*), "a handle class is one pointer");

TEST(Ownership, MoveTransfersTheHandleAndEmptiesTheSource) {
  onyx::Tensor a = onyx::Tensor::zeros<float>({4});
  onyx_tensor* raw = a.get();
  onyx::Tensor b = std::move(a);
  EXPECT_EQ(b.get(), raw);
  EXPECT_EQ(a.get(), nullptr);  // NOLINT(bugprone-use-after-move): testing the moved-from state
  EXPECT_FALSE(a);
  EXPECT_TRUE(b);

  onyx::Tensor c = onyx::Tensor::zeros<float>({2});
  c = std::move(b);  // frees c's old tensor, takes b's
  EXPECT_EQ(c.get(), raw);
  EXPECT_EQ(b.get(), nullptr);

  onyx::Tensor& alias = c;
  c = std::move(alias);  // self-move keeps the handle
  EXPECT_EQ(c.get(), raw);
}

TEST(Ownership, MovedFromObjectsFailWithNullPointerInsteadOfCrashing) {
  onyx::Session session = onyx::Session::from_file(suite::model_path());
  onyx::Session moved = std::move(session);
  const onyx::Tensor input = onyx::Tensor::zeros<float>(kImageShape);
  try {
    session.run({{"input", input}});  // NOLINT(bugprone-use-after-move)
    FAIL() << "a moved-from session ran";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::NullPointer) << e.what();
  }
  onyx::Tensor empty_tensor;
  try {
    moved.run({{"input", empty_tensor}});
    FAIL() << "an empty input tensor was accepted";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::NullPointer) << e.what();
  }
  onyx::SessionOptions options;
  onyx::SessionOptions taken = std::move(options);
  try {
    options.set_intra_op_threads(1);  // NOLINT(bugprone-use-after-move)
    FAIL() << "moved-from options were set";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::NullPointer) << e.what();
  }
  EXPECT_NO_THROW(taken.set_intra_op_threads(1));
}

TEST(Ownership, ReleaseHandsTheHandleToTheCaller) {
  onyx::Tensor tensor = onyx::Tensor::zeros<float>({3});
  onyx_tensor* raw = tensor.release();
  EXPECT_EQ(tensor.get(), nullptr);
  onyx::Tensor again(raw);  // adopting it back frees it exactly once
  EXPECT_EQ(again.element_count(), 3u);
}

TEST(Ownership, TensorsMovedOutOfRunOutputsKeepTheirDataAndLeaveAnEmptySlot) {
  const onyx::Session& session = suite::shared_session();
  std::vector<float> pixels = image();
  const onyx::Tensor input = onyx::Tensor::borrow(kImageShape, pixels);
  std::vector<onyx::Tensor> kept;
  std::vector<std::vector<float>> copies;
  for (int i = 0; i < 3; ++i) {
    onyx::RunOutputs outputs = session.run({{"input", input}});
    copies.push_back(outputs[0].to_vector<float>());
    kept.push_back(std::move(outputs[0]));  // vector growth moves tensors around
    EXPECT_FALSE(outputs[0]);               // NOLINT(bugprone-use-after-move): the slot is empty now
    EXPECT_EQ(outputs.name(0), "logits");
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].to_vector<float>(), copies[i]) << "tensor " << i << " changed after its RunOutputs was destroyed";
    for (size_t j = 0; j < i; ++j) EXPECT_NE(kept[i].get(), kept[j].get());
  }
}

// --- tables: every copy checked against onyx.h and libonyx ---------------------------

/// `#define <prefix><NAME> <number>` lines of include/onyx.h, read as text, so a
/// code added there and missing here fails (C++ cannot list an enum's members).
std::map<std::string, uint32_t> header_macros(const std::string& prefix) {
  const std::vector<uint8_t> bytes = suite::read_file(ONYX_H_PATH);
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  std::map<std::string, uint32_t> out;
  std::string line;
  const std::string define = "#define " + prefix;
  while (std::getline(lines, line)) {
    if (line.rfind(define, 0) != 0) continue;
    std::istringstream words(line.substr(define.size()));
    std::string name;
    uint32_t number = 0;
    if (!(words >> name >> number)) ADD_FAILURE() << "unreadable line in onyx.h: " << line;
    out.emplace(name, number);
  }
  return out;
}

#define ONYX_SAME(enumerator, macro) \
  static_assert(static_cast<uint32_t>(enumerator) == (macro), #enumerator " is not " #macro)

ONYX_SAME(onyx::ErrorCode::InvalidArgument, ONYX_ERROR_INVALID_ARGUMENT);
ONYX_SAME(onyx::ErrorCode::NullPointer, ONYX_ERROR_NULL_POINTER);
ONYX_SAME(onyx::ErrorCode::InvalidUtf8, ONYX_ERROR_INVALID_UTF8);
ONYX_SAME(onyx::ErrorCode::RuntimeLoadFailed, ONYX_ERROR_RUNTIME_LOAD_FAILED);
ONYX_SAME(onyx::ErrorCode::ModelNotFound, ONYX_ERROR_MODEL_NOT_FOUND);
ONYX_SAME(onyx::ErrorCode::InvalidModel, ONYX_ERROR_INVALID_MODEL);
ONYX_SAME(onyx::ErrorCode::UnknownInput, ONYX_ERROR_UNKNOWN_INPUT);
ONYX_SAME(onyx::ErrorCode::MissingInput, ONYX_ERROR_MISSING_INPUT);
ONYX_SAME(onyx::ErrorCode::UnknownOutput, ONYX_ERROR_UNKNOWN_OUTPUT);
ONYX_SAME(onyx::ErrorCode::TypeMismatch, ONYX_ERROR_TYPE_MISMATCH);
ONYX_SAME(onyx::ErrorCode::RankMismatch, ONYX_ERROR_RANK_MISMATCH);
ONYX_SAME(onyx::ErrorCode::ShapeMismatch, ONYX_ERROR_SHAPE_MISMATCH);
ONYX_SAME(onyx::ErrorCode::BufferSizeMismatch, ONYX_ERROR_BUFFER_SIZE_MISMATCH);
ONYX_SAME(onyx::ErrorCode::Cancelled, ONYX_ERROR_CANCELLED);
ONYX_SAME(onyx::ErrorCode::ExecutionProviderUnavailable, ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE);
ONYX_SAME(onyx::ErrorCode::IndexOutOfRange, ONYX_ERROR_INDEX_OUT_OF_RANGE);
ONYX_SAME(onyx::ErrorCode::RuntimeError, ONYX_ERROR_RUNTIME_ERROR);
ONYX_SAME(onyx::ErrorCode::Panic, ONYX_ERROR_PANIC);
ONYX_SAME(onyx::ErrorCode::AbiMismatch, ONYX_ERROR_ABI_MISMATCH);
ONYX_SAME(onyx::ErrorCode::OutOfMemory, ONYX_ERROR_OUT_OF_MEMORY);

ONYX_SAME(onyx::ElementType::Float32, ONYX_ELEMENT_FLOAT32);
ONYX_SAME(onyx::ElementType::UInt8, ONYX_ELEMENT_UINT8);
ONYX_SAME(onyx::ElementType::Int8, ONYX_ELEMENT_INT8);
ONYX_SAME(onyx::ElementType::UInt16, ONYX_ELEMENT_UINT16);
ONYX_SAME(onyx::ElementType::Int16, ONYX_ELEMENT_INT16);
ONYX_SAME(onyx::ElementType::Int32, ONYX_ELEMENT_INT32);
ONYX_SAME(onyx::ElementType::Int64, ONYX_ELEMENT_INT64);
ONYX_SAME(onyx::ElementType::Bool, ONYX_ELEMENT_BOOL);
ONYX_SAME(onyx::ElementType::Float16, ONYX_ELEMENT_FLOAT16);
ONYX_SAME(onyx::ElementType::Float64, ONYX_ELEMENT_FLOAT64);
ONYX_SAME(onyx::ElementType::UInt32, ONYX_ELEMENT_UINT32);
ONYX_SAME(onyx::ElementType::UInt64, ONYX_ELEMENT_UINT64);
ONYX_SAME(onyx::ElementType::BFloat16, ONYX_ELEMENT_BFLOAT16);
ONYX_SAME(onyx::ElementType::String, ONYX_ELEMENT_STRING);
ONYX_SAME(onyx::ElementType::Float8E4M3FN, ONYX_ELEMENT_FLOAT8E4M3FN);
ONYX_SAME(onyx::ElementType::Float8E4M3FNUZ, ONYX_ELEMENT_FLOAT8E4M3FNUZ);
ONYX_SAME(onyx::ElementType::Float8E5M2, ONYX_ELEMENT_FLOAT8E5M2);
ONYX_SAME(onyx::ElementType::Float8E5M2FNUZ, ONYX_ELEMENT_FLOAT8E5M2FNUZ);
ONYX_SAME(onyx::ElementType::UInt4, ONYX_ELEMENT_UINT4);
ONYX_SAME(onyx::ElementType::Int4, ONYX_ELEMENT_INT4);
ONYX_SAME(onyx::ElementType::Float4E2M1, ONYX_ELEMENT_FLOAT4E2M1);
ONYX_SAME(onyx::ElementType::Float8E8M0, ONYX_ELEMENT_FLOAT8E8M0);
ONYX_SAME(onyx::ElementType::UInt2, ONYX_ELEMENT_UINT2);
ONYX_SAME(onyx::ElementType::Int2, ONYX_ELEMENT_INT2);

ONYX_SAME(onyx::ValueKind::Tensor, ONYX_VALUE_KIND_TENSOR);
ONYX_SAME(onyx::ValueKind::Sequence, ONYX_VALUE_KIND_SEQUENCE);
ONYX_SAME(onyx::ValueKind::Map, ONYX_VALUE_KIND_MAP);
ONYX_SAME(onyx::ValueKind::Optional, ONYX_VALUE_KIND_OPTIONAL);

ONYX_SAME(onyx::OptimizationLevel::Disabled, ONYX_OPTIMIZATION_DISABLED);
ONYX_SAME(onyx::OptimizationLevel::Basic, ONYX_OPTIMIZATION_BASIC);
ONYX_SAME(onyx::OptimizationLevel::Extended, ONYX_OPTIMIZATION_EXTENDED);
ONYX_SAME(onyx::OptimizationLevel::All, ONYX_OPTIMIZATION_ALL);

ONYX_SAME(onyx::LogLevel::Verbose, ONYX_LOG_VERBOSE);
ONYX_SAME(onyx::LogLevel::Info, ONYX_LOG_INFO);
ONYX_SAME(onyx::LogLevel::Warning, ONYX_LOG_WARNING);
ONYX_SAME(onyx::LogLevel::Error, ONYX_LOG_ERROR);
ONYX_SAME(onyx::LogLevel::Fatal, ONYX_LOG_FATAL);

#undef ONYX_SAME

/// Checks that `ours` (enumerator number by macro suffix) is exactly the set of
/// `#define <prefix>*` lines of onyx.h.
void expect_same_as_header(const std::string& prefix, const std::map<std::string, uint32_t>& ours) {
  const std::map<std::string, uint32_t> header = header_macros(prefix);
  EXPECT_FALSE(header.empty()) << "no " << prefix << "* line in " << ONYX_H_PATH;
  for (const auto& [name, number] : header) {
    const auto found = ours.find(name);
    EXPECT_TRUE(found != ours.end()) << prefix << name << " (" << number << ") has no enumerator in onyx.hpp";
    if (found != ours.end()) {
      EXPECT_EQ(found->second, number) << prefix << name;
    }
  }
  for (const auto& [name, number] : ours) {
    EXPECT_EQ(header.count(name), 1u) << "onyx.hpp has " << name << " = " << number << ", onyx.h has no " << prefix << name;
  }
}

template <typename E>
uint32_t number(E e) {
  return static_cast<uint32_t>(e);
}

TEST(Tables, ErrorCodeHasEveryCodeOfOnyxHWithItsNumberAndName) {
  const std::pair<onyx::ErrorCode, const char*> codes[] = {
      {onyx::ErrorCode::InvalidArgument, "INVALID_ARGUMENT"},
      {onyx::ErrorCode::NullPointer, "NULL_POINTER"},
      {onyx::ErrorCode::InvalidUtf8, "INVALID_UTF8"},
      {onyx::ErrorCode::RuntimeLoadFailed, "RUNTIME_LOAD_FAILED"},
      {onyx::ErrorCode::ModelNotFound, "MODEL_NOT_FOUND"},
      {onyx::ErrorCode::InvalidModel, "INVALID_MODEL"},
      {onyx::ErrorCode::UnknownInput, "UNKNOWN_INPUT"},
      {onyx::ErrorCode::MissingInput, "MISSING_INPUT"},
      {onyx::ErrorCode::UnknownOutput, "UNKNOWN_OUTPUT"},
      {onyx::ErrorCode::TypeMismatch, "TYPE_MISMATCH"},
      {onyx::ErrorCode::RankMismatch, "RANK_MISMATCH"},
      {onyx::ErrorCode::ShapeMismatch, "SHAPE_MISMATCH"},
      {onyx::ErrorCode::BufferSizeMismatch, "BUFFER_SIZE_MISMATCH"},
      {onyx::ErrorCode::Cancelled, "CANCELLED"},
      {onyx::ErrorCode::ExecutionProviderUnavailable, "EXECUTION_PROVIDER_UNAVAILABLE"},
      {onyx::ErrorCode::IndexOutOfRange, "INDEX_OUT_OF_RANGE"},
      {onyx::ErrorCode::RuntimeError, "RUNTIME_ERROR"},
      {onyx::ErrorCode::Panic, "PANIC"},
      {onyx::ErrorCode::AbiMismatch, "ABI_MISMATCH"},
      {onyx::ErrorCode::OutOfMemory, "OUT_OF_MEMORY"},
      {onyx::ErrorCode::UnsupportedOperator, "UNSUPPORTED_OPERATOR"},
      {onyx::ErrorCode::KernelFailed, "KERNEL_FAILED"},
  };
  std::map<std::string, uint32_t> ours;
  for (const auto& [code, name] : codes) {
    ours.emplace(name, number(code));
    EXPECT_STREQ(onyx::error_code_name(code), name) << "libonyx names code " << number(code) << " otherwise";
  }
  expect_same_as_header("ONYX_ERROR_", ours);
}

template <typename T>
std::pair<onyx::ElementType, size_t> entry() {
  return {onyx::element_type_of<T>, sizeof(T)};
}

TEST(Tables, ElementTypeHasEveryTypeOfOnyxHAndEachMappedTypeHasCoresSize) {
  const std::pair<const char*, std::pair<onyx::ElementType, size_t>> types[] = {
      {"FLOAT32", entry<float>()},   {"UINT8", entry<uint8_t>()},   {"INT8", entry<int8_t>()},
      {"UINT16", entry<uint16_t>()}, {"INT16", entry<int16_t>()},   {"INT32", entry<int32_t>()},
      {"INT64", entry<int64_t>()},   {"BOOL", entry<bool>()},       {"FLOAT16", entry<onyx::Float16>()},
      {"FLOAT64", entry<double>()},  {"UINT32", entry<uint32_t>()}, {"UINT64", entry<uint64_t>()},
      {"BFLOAT16", entry<onyx::BFloat16>()},
  };
  std::map<std::string, uint32_t> ours;
  for (const auto& [name, typed] : types) {
    const auto [type, size] = typed;
    ours.emplace(name, number(type));
    EXPECT_EQ(onyx_element_type_size(number(type)), size) << name << ": sizeof its C++ type differs from core's size";
    EXPECT_EQ(onyx::element_size(type), size) << name;
    EXPECT_STRNE(onyx::element_type_name(type), "unknown") << name;
    EXPECT_EQ(onyx::Tensor::zeros(type, {3}).byte_length(), 3 * size) << name;
  }
  // The types without a C++ element type: raw bytes, `bytes_for_3` for three elements
  // as the value format packs them (float8 one byte each, 4-bit two per byte, 2-bit
  // four per byte); strings hold no raw data.
  const std::tuple<const char*, onyx::ElementType, size_t, size_t> raw[] = {
      {"STRING", onyx::ElementType::String, 0, 0},
      {"FLOAT8E4M3FN", onyx::ElementType::Float8E4M3FN, 1, 3},
      {"FLOAT8E4M3FNUZ", onyx::ElementType::Float8E4M3FNUZ, 1, 3},
      {"FLOAT8E5M2", onyx::ElementType::Float8E5M2, 1, 3},
      {"FLOAT8E5M2FNUZ", onyx::ElementType::Float8E5M2FNUZ, 1, 3},
      {"UINT4", onyx::ElementType::UInt4, 0, 2},
      {"INT4", onyx::ElementType::Int4, 0, 2},
      {"FLOAT4E2M1", onyx::ElementType::Float4E2M1, 0, 2},
      {"FLOAT8E8M0", onyx::ElementType::Float8E8M0, 1, 3},
      {"UINT2", onyx::ElementType::UInt2, 0, 1},
      {"INT2", onyx::ElementType::Int2, 0, 1},
  };
  for (const auto& [name, type, size, bytes_for_3] : raw) {
    ours.emplace(name, number(type));
    EXPECT_EQ(onyx::element_size(type), size) << name;
    EXPECT_STRNE(onyx::element_type_name(type), "unknown") << name;
    if (type != onyx::ElementType::String) {
      const std::vector<uint8_t> bytes(bytes_for_3, 0x5A);
      const onyx::Tensor t = onyx::Tensor::copy(type, {3}, bytes.data(), bytes.size());
      EXPECT_EQ(t.byte_length(), bytes_for_3) << name;
      EXPECT_EQ(t.element_type(), type) << name;
      EXPECT_EQ(std::memcmp(t.data(), bytes.data(), bytes.size()), 0) << name;
    }
  }
  expect_same_as_header("ONYX_ELEMENT_", ours);
  EXPECT_EQ(onyx::element_size(onyx::ElementType::Undefined), 0u);
  EXPECT_STREQ(onyx::element_type_name(onyx::ElementType::Undefined), "unknown");
}

TEST(Tables, ValueKindOptimizationAndLogLevelsHaveEveryValueOfOnyxH) {
  expect_same_as_header("ONYX_VALUE_KIND_", {{"TENSOR", number(onyx::ValueKind::Tensor)},
                                             {"SEQUENCE", number(onyx::ValueKind::Sequence)},
                                             {"MAP", number(onyx::ValueKind::Map)},
                                             {"OPTIONAL", number(onyx::ValueKind::Optional)}});
  expect_same_as_header("ONYX_OPTIMIZATION_", {{"DISABLED", number(onyx::OptimizationLevel::Disabled)},
                                               {"BASIC", number(onyx::OptimizationLevel::Basic)},
                                               {"EXTENDED", number(onyx::OptimizationLevel::Extended)},
                                               {"ALL", number(onyx::OptimizationLevel::All)}});
  expect_same_as_header("ONYX_ATTRIBUTE_", {{"FLOAT", number(onyx::AttributeKind::Float)},
                                            {"INT", number(onyx::AttributeKind::Int)},
                                            {"STRING", number(onyx::AttributeKind::String)}});
  expect_same_as_header("ONYX_LOG_", {{"VERBOSE", number(onyx::LogLevel::Verbose)},
                                      {"INFO", number(onyx::LogLevel::Info)},
                                      {"WARNING", number(onyx::LogLevel::Warning)},
                                      {"ERROR", number(onyx::LogLevel::Error)},
                                      {"FATAL", number(onyx::LogLevel::Fatal)}});
}

// --- errors ----------------------------------------------------------------------

TEST(Errors, OnyxErrorIsCaughtAsStdRuntimeErrorWithItsCodeAndName) {
  try {
    onyx::Session::from_file(suite::spec().path("fixtures/does-not-exist.onnx"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const auto* error = dynamic_cast<const onyx::Error*>(&e);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->code(), onyx::ErrorCode::ModelNotFound);
    EXPECT_STREQ(error->code_name(), "MODEL_NOT_FOUND");
  }
}

/// Runs `f`, which must throw onyx::Error with `code` and a message containing `text`.
template <typename F>
void expect_onyx_error(F&& f, onyx::ErrorCode code, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no exception, expected " << onyx::error_code_name(code);
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), code) << e.code_name() << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "'" << e.what() << "' lacks '" << text << "'";
  }
}

TEST(Errors, InputAndOutputIndexPastTheEndIsCoresIndexOutOfRange) {
  const onyx::Session& session = suite::shared_session();
  expect_onyx_error([&] { session.input(99); }, onyx::ErrorCode::IndexOutOfRange,
                    "input index 99 is out of range: the model has 1 input");
  expect_onyx_error([&] { session.output(1); }, onyx::ErrorCode::IndexOutOfRange, "output index 1");
}

TEST(Errors, TypedReadOfAnotherTypeIsCoresTypeMismatchAndOfAnEmptyTensorNullPointer) {
  onyx::Tensor tensor = onyx::Tensor::zeros<float>({2});
  EXPECT_EQ(tensor.values<float>().size(), 2u);
  expect_onyx_error([&] { (void)tensor.values<double>(); }, onyx::ErrorCode::TypeMismatch, "float");
  expect_onyx_error([&] { (void)tensor.mutable_values<int64_t>(); }, onyx::ErrorCode::TypeMismatch, "int64");
  expect_onyx_error([&] { (void)tensor.to_vector<onyx::BFloat16>(); }, onyx::ErrorCode::TypeMismatch, "bfloat16");
  const onyx::Tensor empty;
  expect_onyx_error([&] { (void)empty.data<float>(); }, onyx::ErrorCode::NullPointer, "");
}

TEST(Errors, AnotherAbiMajorIsAbiMismatchAndTheLoadedOnePasses) {
  expect_onyx_error([] { onyx::check_abi_version(2u << 16); }, onyx::ErrorCode::AbiMismatch,
                    "libonyx has ABI major 2 (C ABI version 2.0); this binding needs 1");
  expect_onyx_error([] { onyx::check_abi_version(0u << 16 | 7u); }, onyx::ErrorCode::AbiMismatch, "ABI major 0");
  EXPECT_NO_THROW(onyx::check_abi_version(uint32_t{ONYX_ABI_VERSION_MAJOR} << 16 | 0xFFFFu));  // any minor
  EXPECT_NO_THROW(onyx::check_abi_version(onyx::Runtime::abi_version()));
}

TEST(Errors, NegativeThreadCountsAreCoresInvalidArgumentNamingTheOption) {
  onyx::SessionOptions options;
  expect_onyx_error([&] { options.set_intra_op_threads(-1); }, onyx::ErrorCode::InvalidArgument, "intra_op_threads");
  expect_onyx_error([&] { options.set_inter_op_threads(-3); }, onyx::ErrorCode::InvalidArgument, "inter_op_threads");
  EXPECT_NO_THROW(options.set_intra_op_threads(0).set_inter_op_threads(1));
}

// --- typed data ------------------------------------------------------------------

TEST(Tensors, TypedFactoriesUseTheCompileTimeElementTypeCopyCopiesAndBorrowShares) {
  std::vector<int64_t> ids = {1, 2, 3};
  const onyx::Tensor copy = onyx::Tensor::copy({3}, ids);
  EXPECT_EQ(copy.element_type(), onyx::ElementType::Int64);
  EXPECT_NE(copy.data(), static_cast<const void*>(ids.data()));
  ids[0] = 42;  // the copy does not see later changes
  EXPECT_EQ(copy.to_vector<int64_t>(), (std::vector<int64_t>{1, 2, 3}));

  std::vector<onyx::Float16> halves(6, onyx::Float16(0.5f));
  onyx::Tensor borrowed = onyx::Tensor::borrow({2, 3}, halves);
  EXPECT_EQ(borrowed.element_type(), onyx::ElementType::Float16);
  EXPECT_EQ(borrowed.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(borrowed.byte_length(), 12u);
  borrowed.mutable_values<onyx::Float16>()[0] = onyx::Float16(2.0f);
  EXPECT_EQ(halves[0].to_float(), 2.0f);  // zero copy: writes reach the caller's memory

  const onyx::Tensor flags = onyx::Tensor::zeros<bool>({4});
  EXPECT_EQ(flags.element_type(), onyx::ElementType::Bool);
  EXPECT_EQ(flags.byte_length(), 4u);
  EXPECT_EQ(flags.to_vector<bool>(), std::vector<bool>(4, false));
}

uint32_t bits_of(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

TEST(Tensors, Float16AndBFloat16GiveCoresBitsBothWays) {
  // A sweep of floats: every exponent, with mantissas around the rounding points.
  for (uint32_t high = 0; high < 0x10000u; high += 7) {
    for (uint32_t low : {0x0000u, 0x0FFFu, 0x1000u, 0x1001u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu}) {
      const uint32_t bits = high << 16 | low;
      float f;
      std::memcpy(&f, &bits, sizeof f);
      ASSERT_EQ(onyx::BFloat16(f).bits, onyx_bfloat16_from_float32(f)) << std::hex << bits;
      ASSERT_EQ(onyx::Float16(f).bits, onyx_float16_from_float32(f)) << std::hex << bits;
    }
  }
  for (uint32_t bits = 0; bits < 0x10000u; ++bits) {
    const auto raw = static_cast<uint16_t>(bits);
    ASSERT_EQ(bits_of(onyx::BFloat16::from_bits(raw).to_float()), bits_of(onyx_bfloat16_to_float32(raw))) << bits;
    ASSERT_EQ(bits_of(onyx::Float16::from_bits(raw).to_float()), bits_of(onyx_float16_to_float32(raw))) << bits;
  }
  // Spot values, so the sweep cannot pass with both sides wrong the same way.
  EXPECT_EQ(onyx::Float16(1.0f).bits, 0x3C00);
  EXPECT_EQ(onyx::Float16(65504.0f).bits, 0x7BFF);
  EXPECT_EQ(onyx::Float16(1e6f).bits, 0x7C00);                // overflow: infinity
  EXPECT_EQ(onyx::Float16(1.0f + 1.0f / 2048).bits, 0x3C00);  // tie, to even
  EXPECT_EQ(onyx::BFloat16(1.00390625f).bits, 0x3F80);        // tie, to even
  EXPECT_EQ(onyx::BFloat16(1.01171875f).bits, 0x3F82);        // tie, to even (up)
  EXPECT_TRUE(std::isnan(onyx::BFloat16(std::numeric_limits<float>::quiet_NaN()).to_float()));
  EXPECT_TRUE(std::isnan(onyx::Float16(std::numeric_limits<float>::quiet_NaN()).to_float()));
}

// --- threads ---------------------------------------------------------------------

TEST(Threads, OneSessionSharedByStdThreadsRunsIntoEachThreadsOwnBuffer) {
  const onyx::Session& session = suite::shared_session();
  std::vector<float> pixels = image();
  const onyx::Tensor input = onyx::Tensor::borrow(kImageShape, pixels);  // read by every thread at once
  const std::vector<float> alone = session.run({{"input", input}}).at("logits").to_vector<float>();

  constexpr int kThreads = 3, kRuns = 3;
  std::vector<std::vector<float>> buffers(kThreads, std::vector<float>(alone.size()));
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        onyx::Tensor output = onyx::Tensor::borrow({1, static_cast<int64_t>(alone.size())}, buffers[t]);
        for (int r = 0; r < kRuns; ++r) {
          session.run_into({{"input", input}}, {{"logits", output}});
          if (std::memcmp(buffers[t].data(), alone.data(), alone.size() * sizeof(float)) != 0) {
            errors[t] = "run " + std::to_string(r) + " differs from a run alone";
          }
        }
      } catch (const onyx::Error& e) {
        errors[t] = e.what();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
}

TEST(Runs, OutputNamesAsStdStringSelectOutputsAndRunOutputsNamesThem) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, image());
  const std::string input_name = session.input(0).name, output_name = session.output(0).name;
  std::vector<onyx::Input> inputs = {{input_name, input}};
  std::vector<onyx::Name> names = {output_name};
  const onyx::RunOutputs outputs = session.run(inputs, names);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs.names(), (std::vector<std::string>{"logits"}));
  EXPECT_EQ(&outputs.at("logits"), &outputs[0]);
  EXPECT_EQ(outputs[0].shape(), (std::vector<int64_t>{1, 1000}));
  size_t seen = 0;
  for (const onyx::Tensor& tensor : outputs) seen += tensor.element_count();
  EXPECT_EQ(seen, 1000u);
  expect_onyx_error([&] { (void)outputs.at("nope"); }, onyx::ErrorCode::UnknownOutput,
                    "the run has no output named 'nope'; it produced: logits");

  const onyx::RunOutputs all = session.run(inputs);  // no names: every output, model order
  ASSERT_EQ(all.size(), session.output_count());
  EXPECT_EQ(all.name(0), output_name);
}

TEST(Runs, TerminatedRunOptionsCancelUntilResetAndTheTagIsCores) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, image());
  onyx::RunOptions options;
  EXPECT_EQ(options.tag(), "");
  options.set_tag("batch-7");
  EXPECT_EQ(options.tag(), "batch-7");
  EXPECT_EQ(std::string(onyx_run_options_tag(options.get())), "batch-7");
  options.terminate();
  expect_onyx_error([&] { session.run(options, {{"input", input}}); }, onyx::ErrorCode::Cancelled, "");
  options.reset_terminate();
  EXPECT_EQ(session.run(options, {{"input", input}}).size(), 1u);
}

TEST(Runs, RunIntoRefusesAnOutputThatIsAnotherOutput) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, image());
  onyx::Tensor output = onyx::Tensor::zeros<float>({1, 1000});
  expect_onyx_error([&] { session.run_into({{"input", input}}, {{"logits", output}, {"logits", output}}); },
                    onyx::ErrorCode::InvalidArgument, "also used");
}

}  // namespace

TEST(Errors, AStdStringHoldingANulIsCoresInvalidArgumentNotCutShort) {
  const onyx::Session tiny = onyx::Session::from_file(suite::spec().path(suite::spec().header.get("tiny_model")));
  const onyx::Tensor a = onyx::Tensor::zeros<float>({16});
  const std::string with_nul("b\0junk", 6);
  expect_onyx_error([&] { tiny.run({{"a", a}, {with_nul, a}}); }, onyx::ErrorCode::InvalidArgument,
                    "input name 'b\\0junk' holds a NUL character at byte 1");
  expect_onyx_error([&] { onyx::Session::from_file(suite::spec().path("fixtures/add16.onnx") + std::string("\0.x", 3)); },
                    onyx::ErrorCode::InvalidArgument, "model path");
  onyx::SessionOptions options;
  expect_onyx_error([&] { options.add_config_entry(std::string("k\0", 2), "1"); }, onyx::ErrorCode::InvalidArgument,
                    "session config key");
}

// --- asynchronous runs, the log callback, external data ---------------------------------

namespace {

std::vector<float> sync_logits(const onyx::Session& session, const onyx::Tensor& input) {
  return session.run({{"input", input}}).at("logits").to_vector<float>();
}

bool same_bits(const std::vector<float>& a, onyx::Span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST(Async, TheFutureOutlivesItsAsyncRunAndHasTheSynchronousRunsBits) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, image());
  const std::vector<float> alone = sync_logits(session, input);
  std::future<onyx::RunOutputs> future;
  {
    // A temporary tensor, moved into the run; the AsyncRun goes before the run is over.
    onyx::AsyncRun run = session.run_async({{"input", onyx::Tensor::copy(kImageShape, image())}});
    future = std::move(run.future());
    EXPECT_FALSE(run.valid());
    expect_onyx_error([&] { (void)run.get(); }, onyx::ErrorCode::NullPointer, "");
    EXPECT_TRUE(run.handle() != nullptr);
  }
  const onyx::RunOutputs outputs = future.get();
  EXPECT_EQ(outputs.names(), (std::vector<std::string>{"logits"}));
  EXPECT_TRUE(same_bits(alone, outputs.at("logits").values<float>()));
}

TEST(Async, LvaluesAreBorrowedRvaluesMovedInAndARefusedStartGivesThemBack) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor borrowed = onyx::Tensor::copy(kImageShape, image());
  const std::vector<float> alone = sync_logits(session, borrowed);
  onyx::AsyncRun first = session.run_async({{"input", borrowed}}, {"logits"});
  EXPECT_TRUE(borrowed);

  onyx::Tensor moved = onyx::Tensor::copy(kImageShape, image());
  onyx::AsyncRun second = session.run_async({{"input", std::move(moved)}});
  EXPECT_FALSE(moved);  // NOLINT(bugprone-use-after-move): the run took it
  EXPECT_TRUE(same_bits(alone, first.get().at("logits").values<float>()));
  EXPECT_TRUE(same_bits(alone, second.get().at("logits").values<float>()));

  // Refused at the call (C cannot take an empty session, C++ a name holding a NUL):
  // thrown here, and the tensor is still the caller's.
  onyx::Tensor back = onyx::Tensor::copy(kImageShape, image());
  onyx_tensor* raw = back.get();
  const onyx::Session empty;
  expect_onyx_error([&] { (void)empty.run_async({{"input", std::move(back)}}); }, onyx::ErrorCode::NullPointer, "");
  EXPECT_EQ(back.get(), raw);  // NOLINT(bugprone-use-after-move): given back
  const std::string with_nul("in\0put", 6);
  expect_onyx_error([&] { (void)session.run_async({{with_nul, std::move(back)}}); }, onyx::ErrorCode::InvalidArgument,
                    "input name");
  EXPECT_EQ(back.get(), raw);  // NOLINT(bugprone-use-after-move)
}

TEST(Async, GetGivesTheResultOnceALateCancelIsFalseAndTerminatedOptionsCancel) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy(kImageShape, image());
  onyx::AsyncRun run = session.run_async({{"input", input}});
  run.wait();
  EXPECT_EQ(run.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
  EXPECT_FALSE(run.cancel());  // the result was decided: get() gives it
  EXPECT_EQ(run.get().size(), 1u);
  EXPECT_FALSE(run.valid());
  expect_onyx_error([&] { (void)run.get(); }, onyx::ErrorCode::NullPointer, "");

  // Terminated before the start: the run's own copy of the options is terminated too.
  onyx::RunOptions options;
  options.terminate();
  onyx::AsyncRun terminated = session.run_async(options, {{"input", input}});
  expect_onyx_error([&] { (void)terminated.get(); }, onyx::ErrorCode::Cancelled, "");

  onyx::AsyncRun nothing;
  EXPECT_FALSE(nothing.valid());
  expect_onyx_error([&] { (void)nothing.cancel(); }, onyx::ErrorCode::NullPointer, "");
}

namespace {

/// Level back to WARNING and stderr when a test ends, however it ends.
struct RestoreLogging {
  ~RestoreLogging() {
    try {
      onyx::Runtime::set_log_level(onyx::LogLevel::Warning);
      onyx::Runtime::set_log_callback(nullptr);
    } catch (...) {
    }
  }
};

void load_tiny() { (void)onyx::Session::from_file(suite::spec().path(suite::spec().header.get("tiny_model"))); }

}  // namespace

TEST(LogCallback, AThrowingCallbackLosesOnlyItsLineAndIsDestroyedWhenReplaced) {
  const RestoreLogging restore;
  auto lines = std::make_shared<std::atomic<int>>(0);
  onyx::Runtime::set_log_callback([lines](onyx::LogLevel, std::string_view, std::string_view) {
    ++*lines;
    throw std::runtime_error("a callback that throws");
  });
  onyx::Runtime::set_log_level(onyx::LogLevel::Verbose);
  load_tiny();
  EXPECT_GE(lines->load(), 2) << "later lines still reach a callback that threw";
  onyx::Runtime::set_log_level(onyx::LogLevel::Warning);
  onyx::Runtime::set_log_callback(nullptr);
  EXPECT_EQ(lines.use_count(), 1) << "the replaced std::function (and what it captured) is destroyed by set";
}

TEST(LogCallback, SettingItFromInsideTheCallbackIsCoresInvalidArgumentAndKeepsIt) {
  const RestoreLogging restore;
  struct Seen {
    std::mutex lock;
    int lines = 0;
    std::vector<onyx::ErrorCode> codes;
  };
  auto seen = std::make_shared<Seen>();
  onyx::Runtime::set_log_callback([seen](onyx::LogLevel, std::string_view, std::string_view) {
    bool first;
    {
      const std::lock_guard<std::mutex> lock(seen->lock);
      first = ++seen->lines == 1;
    }
    if (!first) return;
    onyx::ErrorCode code{};
    try {
      onyx::Runtime::set_log_callback(nullptr);
    } catch (const onyx::Error& e) {
      code = e.code();
    }
    const std::lock_guard<std::mutex> lock(seen->lock);
    seen->codes.push_back(code);
  });
  onyx::Runtime::set_log_level(onyx::LogLevel::Verbose);
  load_tiny();
  onyx::Runtime::set_log_level(onyx::LogLevel::Warning);
  const std::lock_guard<std::mutex> lock(seen->lock);
  ASSERT_EQ(seen->codes.size(), 1u);
  EXPECT_EQ(seen->codes[0], onyx::ErrorCode::InvalidArgument);
  EXPECT_GE(seen->lines, 2) << "the callback stays installed after the refused change";
}

TEST(ExternalData, AFileNameHoldingANulIsCoresInvalidArgument) {
  onyx::SessionOptions options;
  const std::vector<uint8_t> bytes(4);
  expect_onyx_error([&] { options.add_external_data(std::string_view("w.bin\0x", 7), bytes); },
                    onyx::ErrorCode::InvalidArgument, "external data file name");
  EXPECT_NO_THROW(options.add_external_data("w.bin", bytes.data(), bytes.size()));
}

// --- operators with C++ kernels --------------------------------------------------------

/// dev.onyx.test::ScaleShift with `kernel`, on the suite's scale_shift.onnx ([2,3] float).
onyx::Session scale_shift_session(onyx::Kernel kernel) {
  onyx::SessionOptions options;
  options.add_operator(onyx::Operator("dev.onyx.test", "ScaleShift", {onyx::ElementType::Float32}, {onyx::ElementType::Float32},
                                      std::move(kernel), {{"alpha", onyx::AttributeKind::Float}, {"beta", onyx::AttributeKind::Float}}));
  return onyx::Session::from_file(suite::spec().path("fixtures/customops/scale_shift.onnx"), options);
}

onyx::RunOutputs run_scale_shift(const onyx::Session& session) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  return session.run({{"x", onyx::Tensor::copy<float>({2, 3}, x)}});
}

TEST(Operators, AnOnyxErrorThrownByAKernelKeepsItsCodeAndTheSessionStaysUsable) {
  std::atomic<int> calls{0};
  const onyx::Session session = scale_shift_session([&](onyx::KernelContext& context) {
    if (calls++ == 0) throw onyx::Error(onyx::ErrorCode::ShapeMismatch, "the kernel's own shape complaint");
    const onyx::Tensor& x = context.input(0);
    onyx::Tensor& y = context.output(0, x.shape());
    for (size_t i = 0; i < x.element_count(); i++) y.mutable_data<float>()[i] = x.data<float>()[i] * context.attribute_float("alpha");
  });
  expect_onyx_error([&] { run_scale_shift(session); }, onyx::ErrorCode::ShapeMismatch, "the kernel's own shape complaint");
  const onyx::RunOutputs outputs = run_scale_shift(session);
  EXPECT_EQ(outputs[0].values<float>()[5], 6.0f * 2.5f);
}

TEST(Operators, AKernelReadsOnlyWhatItDeclaredAndIndexesAreChecked) {
  const onyx::Session session = scale_shift_session([](onyx::KernelContext& context) {
    expect_onyx_error([&] { context.attribute_int("alpha"); }, onyx::ErrorCode::TypeMismatch, "declared FLOAT");
    expect_onyx_error([&] { context.attribute_float("gamma"); }, onyx::ErrorCode::InvalidArgument, "alpha (FLOAT), beta (FLOAT)");
    expect_onyx_error([&] { context.input(1); }, onyx::ErrorCode::IndexOutOfRange, "input index 1");
    expect_onyx_error([&] { context.output(0, {-1}); }, onyx::ErrorCode::InvalidArgument, "");
    context.output(0, context.input(0).shape());
  });
  EXPECT_EQ(run_scale_shift(session)[0].element_count(), 6u);
}

TEST(Operators, AKernelRunsOnManyThreadsAtOnceAndIsDestroyedWithItsLastUser) {
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  std::atomic<int> calls{0};
  {
    const onyx::Session session = scale_shift_session([alive, &calls](onyx::KernelContext& context) {
      calls++;
      const onyx::Tensor& x = context.input(0);
      onyx::Tensor& y = context.output(0, x.shape());
      for (size_t i = 0; i < x.element_count(); i++) y.mutable_data<float>()[i] = x.data<float>()[i];
    });
    alive.reset();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; i++) EXPECT_EQ(run_scale_shift(session)[0].values<float>()[3], 4.0f);
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_FALSE(watch.expired()) << "the session keeps the kernel";
  }
  EXPECT_EQ(calls.load(), 200);
  EXPECT_TRUE(watch.expired()) << "the kernel (and what it captured) goes with its last session";
}
