// Tests of what only the C++ layer adds: ownership (move semantics, no double
// free), error codes carried by onyx::Error, typed access, 16-bit floats, and one
// session shared by std::threads. These are not cases of the shared suite, so they
// print no `[cpp] ...` line; gtest reports them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
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
  EXPECT_THROW(options.set_intra_op_threads(1), onyx::Error);  // NOLINT(bugprone-use-after-move)
  EXPECT_NO_THROW(taken.set_intra_op_threads(1));
}

TEST(Ownership, ReleaseHandsTheHandleToTheCaller) {
  onyx::Tensor tensor = onyx::Tensor::zeros<float>({3});
  onyx_tensor* raw = tensor.release();
  EXPECT_EQ(tensor.get(), nullptr);
  onyx::Tensor again(raw);  // adopting it back frees it exactly once
  EXPECT_EQ(again.element_count(), 3u);
}

TEST(Ownership, OutputsOfManyRunsInAVectorAreEachFreedOnce) {
  const onyx::Session& session = suite::shared_session();
  std::vector<float> pixels = image();
  const onyx::Tensor input = onyx::Tensor::borrow(kImageShape, pixels);
  std::vector<onyx::Tensor> kept;
  for (int i = 0; i < 3; ++i) {
    std::vector<onyx::Tensor> outputs = session.run({{"input", input}});
    kept.push_back(std::move(outputs.at(0)));  // vector growth moves tensors around
  }
  for (const onyx::Tensor& t : kept) {
    EXPECT_EQ(std::memcmp(t.data(), kept[0].data(), t.byte_length()), 0);
  }
}

// --- errors ----------------------------------------------------------------------

TEST(Errors, EveryCodeHasTheCAbiNumberAndName) {
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
  };
  for (const auto& [code, name] : codes) {
    EXPECT_STREQ(onyx::error_code_name(code), name);
  }
}

TEST(Errors, EachErrorCaseOfTheSpecThrowsOnyxErrorWithItsCode) {
  // The suite's error cases compare e.code() with the spec already; here, that the
  // exception is an onyx::Error and a std::runtime_error, caught by either type.
  const onyx::Session& session = suite::shared_session();
  try {
    onyx::Session::from_file(suite::spec().path("fixtures/does-not-exist.onnx"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const auto* error = dynamic_cast<const onyx::Error*>(&e);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->code(), onyx::ErrorCode::ModelNotFound);
    EXPECT_STREQ(error->code_name(), "MODEL_NOT_FOUND");
  }
  try {
    session.input(99);
    FAIL() << "no exception";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::IndexOutOfRange) << e.what();
  }
}

TEST(Errors, TypedAccessChecksTheElementType) {
  onyx::Tensor tensor = onyx::Tensor::zeros<float>({2});
  EXPECT_NO_THROW(tensor.values<float>());
  try {
    tensor.values<double>();
    FAIL() << "no exception";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::TypeMismatch);
  }
}

// --- typed data ------------------------------------------------------------------

TEST(Tensors, TypedFactoriesUseTheCompileTimeElementType) {
  std::vector<int64_t> ids = {1, 2, 3};
  const onyx::Tensor copy = onyx::Tensor::copy_of({3}, ids);
  EXPECT_EQ(copy.element_type(), onyx::ElementType::Int64);
  EXPECT_EQ(copy.to_vector<int64_t>(), ids);
  EXPECT_NE(copy.data(), static_cast<const void*>(ids.data()));

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
}

TEST(Tensors, Float16AndBFloat16ConvertWithRoundToNearestEven) {
  EXPECT_EQ(onyx::Float16(1.0f).bits, 0x3C00);
  EXPECT_EQ(onyx::Float16(-2.0f).bits, 0xC000);
  EXPECT_EQ(onyx::Float16(65504.0f).bits, 0x7BFF);
  EXPECT_EQ(onyx::Float16(1e6f).bits, 0x7C00);  // overflow: infinity
  EXPECT_EQ(onyx::Float16(5.9604645e-8f).bits, 0x0001);  // smallest subnormal
  EXPECT_EQ(onyx::Float16(1.0f + 1.0f / 2048).bits, 0x3C00);  // tie, to even
  EXPECT_EQ(onyx::Float16(1.0f + 3.0f / 2048).bits, 0x3C02);  // tie, to even
  EXPECT_TRUE(std::isnan(onyx::Float16(std::numeric_limits<float>::quiet_NaN()).to_float()));
  for (uint32_t bits = 0; bits < 0x7C00; ++bits) {  // every finite half survives the round trip
    const onyx::Float16 h = onyx::Float16::from_bits(static_cast<uint16_t>(bits));
    ASSERT_EQ(onyx::Float16(h.to_float()).bits, bits);
  }
  EXPECT_EQ(onyx::BFloat16(1.0f).bits, 0x3F80);
  EXPECT_EQ(onyx::BFloat16(1.0f).to_float(), 1.0f);
  EXPECT_EQ(onyx::BFloat16(1.00390625f).bits, 0x3F80);  // tie, to even
  EXPECT_TRUE(std::isnan(onyx::BFloat16(std::numeric_limits<float>::quiet_NaN()).to_float()));
}

// --- threads ---------------------------------------------------------------------

TEST(Threads, OneSessionSharedByStdThreadsRunsIntoEachThreadsOwnBuffer) {
  const onyx::Session& session = suite::shared_session();
  std::vector<float> pixels = image();
  const onyx::Tensor input = onyx::Tensor::borrow(kImageShape, pixels);  // read by every thread at once
  const std::vector<float> alone = session.run({{"input", input}})[0].to_vector<float>();

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

TEST(Runs, OutputsByNameAndInputNamesAsStdString) {
  const onyx::Session& session = suite::shared_session();
  const onyx::Tensor input = onyx::Tensor::copy_of(kImageShape, image());
  const std::string input_name = session.input(0).name, output_name = session.output(0).name;
  std::vector<onyx::Input> inputs = {{input_name, input}};
  std::vector<onyx::Name> names = {output_name};
  std::vector<onyx::Tensor> outputs = session.run(inputs, names);
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].shape(), (std::vector<int64_t>{1, 1000}));
  const onyx::RunOptions options;
  options.terminate();
  try {
    session.run(options, inputs);
    FAIL() << "a terminated run options object ran";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::Cancelled);
  }
  options.reset_terminate();
  EXPECT_EQ(session.run(options, inputs).size(), 1u);
}

}  // namespace
