/**
 * @file onyx.hpp
 * @brief Onyx's C++17 API: a header-only layer over the C ABI in onyx.h.
 *
 * One move-only RAII class per C handle (SessionOptions, Session, Tensor,
 * RunOptions, AsyncRun) and a static Runtime; failures are exceptions (onyx::Error, carrying
 * the stable onyx::ErrorCode) unless the program is built with
 * ONYX_NO_EXCEPTIONS, in which case they go to onyx::set_error_handler's handler
 * and then std::abort(). Nothing here adds state or logic to the C ABI: every call
 * is one C call plus the conversion of its status (RunOutputs keeps the output
 * names beside the tensors, which the C ABI returns alone; an AsyncRun's callback
 * fills a std::promise; the log callback is a std::function held for C).
 *
 * @code
 * #include <onyx.hpp>
 *
 * onyx::Session session = onyx::Session::from_file("resnet18.onnx");
 * std::vector<float> image(1 * 3 * 224 * 224);
 * onyx::Tensor input = onyx::Tensor::borrow({1, 3, 224, 224}, image);  // no copy
 * onyx::RunOutputs outputs = session.run({{"input", input}});
 * onyx::Span<const float> logits = outputs.at("logits").values<float>();
 * @endcode
 *
 * Tensors are made by three verbs, with the meaning they have in every Onyx
 * language: Tensor::zeros (Onyx allocates zero-filled memory), Tensor::copy (Onyx
 * copies the caller's data) and Tensor::borrow (no copy: the caller's memory, kept
 * alive by the caller). Every rule about tensors and models is core's: a typed read
 * (data<T>(), values<T>()) of another element type is core's TypeMismatch, a
 * negative thread count core's InvalidArgument, an input index past the end core's
 * IndexOutOfRange. Float16 and BFloat16 convert through core (round to nearest even).
 *
 * Thread safety follows onyx.h: a Session may be used (run, introspected) by any
 * number of threads at once; SessionOptions, Tensor and RunOptions are not
 * synchronised, except RunOptions::terminate() and reset_terminate(), which any
 * thread may call while runs use the options.
 *
 * Values beyond tensors (string tensors, sequences, maps, optionals) are onyx::Value,
 * run by Session::run_values; ValueInfo::value_type is the full ONNX type
 * (`seq(map(int64,tensor(float)))`). Strings and sequences/maps are copied in and out.
 *
 * Version check: the first call that creates an Onyx object checks that the loaded
 * libonyx has the ABI major this header was written for (ONYX_ABI_VERSION_MAJOR)
 * and fails with ErrorCode::AbiMismatch otherwise (onyx::check_abi_version).
 *
 * Licence: MIT OR Apache-2.0.
 */
#ifndef ONYX_HPP
#define ONYX_HPP

#if !defined(__cplusplus) || (__cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "onyx.hpp needs C++17 or later"
#endif

#include "onyx.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

/// Onyx: one ONNX Runtime SDK for C, C++, Java and .NET.
namespace onyx {

// ---------------------------------------------------------------------------------
// Codes and enums (the C ABI's numbers, unchanged)
// ---------------------------------------------------------------------------------

/// Stable error codes, the same numbers in every Onyx language (ONYX_ERROR_*).
enum class ErrorCode : uint32_t {
  InvalidArgument = ONYX_ERROR_INVALID_ARGUMENT,            ///< An argument has a value that is not allowed.
  NullPointer = ONYX_ERROR_NULL_POINTER,                    ///< A required handle was null (e.g. a moved-from object).
  InvalidUtf8 = ONYX_ERROR_INVALID_UTF8,                    ///< A string was not valid UTF-8.
  RuntimeLoadFailed = ONYX_ERROR_RUNTIME_LOAD_FAILED,       ///< ONNX Runtime cannot be found, opened, or is too old.
  ModelNotFound = ONYX_ERROR_MODEL_NOT_FOUND,               ///< The model file does not exist.
  InvalidModel = ONYX_ERROR_INVALID_MODEL,                  ///< The bytes are not a valid ONNX model.
  UnknownInput = ONYX_ERROR_UNKNOWN_INPUT,                  ///< An input name the model does not have.
  MissingInput = ONYX_ERROR_MISSING_INPUT,                  ///< A model input was not given.
  UnknownOutput = ONYX_ERROR_UNKNOWN_OUTPUT,                ///< An output name the model does not have.
  TypeMismatch = ONYX_ERROR_TYPE_MISMATCH,                  ///< Wrong element type.
  RankMismatch = ONYX_ERROR_RANK_MISMATCH,                  ///< Wrong number of dimensions.
  ShapeMismatch = ONYX_ERROR_SHAPE_MISMATCH,                ///< Wrong dimension.
  BufferSizeMismatch = ONYX_ERROR_BUFFER_SIZE_MISMATCH,     ///< Buffer length does not match shape and type.
  Cancelled = ONYX_ERROR_CANCELLED,                         ///< The run was terminated through its RunOptions.
  ExecutionProviderUnavailable = ONYX_ERROR_EXECUTION_PROVIDER_UNAVAILABLE,  ///< A requested provider cannot be used.
  IndexOutOfRange = ONYX_ERROR_INDEX_OUT_OF_RANGE,          ///< An index past the end.
  RuntimeError = ONYX_ERROR_RUNTIME_ERROR,                  ///< ONNX Runtime failed with no finer code.
  Panic = ONYX_ERROR_PANIC,                                 ///< A bug inside Onyx, caught at the boundary.
  AbiMismatch = ONYX_ERROR_ABI_MISMATCH,                    ///< libonyx has another C ABI major than this header.
  OutOfMemory = ONYX_ERROR_OUT_OF_MEMORY,                   ///< A size asked for could not be allocated.
  UnsupportedOperator = ONYX_ERROR_UNSUPPORTED_OPERATOR,    ///< No kernel or custom-op library has the operator.
  KernelFailed = ONYX_ERROR_KERNEL_FAILED,                  ///< An Operator's kernel threw or failed.
};

/// Tensor element types, with ONNX's TensorProto.DataType numbers (ONYX_ELEMENT_*).
enum class ElementType : uint32_t {
  Undefined = 0,  ///< No element type: what an empty (moved-from) Tensor reports.
  Float32 = ONYX_ELEMENT_FLOAT32,
  UInt8 = ONYX_ELEMENT_UINT8,
  Int8 = ONYX_ELEMENT_INT8,
  UInt16 = ONYX_ELEMENT_UINT16,
  Int16 = ONYX_ELEMENT_INT16,
  Int32 = ONYX_ELEMENT_INT32,
  Int64 = ONYX_ELEMENT_INT64,
  Bool = ONYX_ELEMENT_BOOL,
  Float16 = ONYX_ELEMENT_FLOAT16,
  Float64 = ONYX_ELEMENT_FLOAT64,
  UInt32 = ONYX_ELEMENT_UINT32,
  UInt64 = ONYX_ELEMENT_UINT64,
  BFloat16 = ONYX_ELEMENT_BFLOAT16,
  /// UTF-8 strings: no raw data; made by Tensor::from_strings, read by Tensor::strings().
  String = ONYX_ELEMENT_STRING,
  // Raw-byte types: no C++ element type maps to them; Tensor::copy / borrow / data()
  // take and give their bytes (float8: 1 byte per element; 4-bit types two per byte,
  // low nibble first; 2-bit types four per byte, lowest bits first). element_size()
  // is 0 for the sub-byte ones; byte_length() is core's packed length.
  Float8E4M3FN = ONYX_ELEMENT_FLOAT8E4M3FN,      ///< float8, 4 exponent bits, 3 mantissa bits, no infinities.
  Float8E4M3FNUZ = ONYX_ELEMENT_FLOAT8E4M3FNUZ,  ///< As Float8E4M3FN, no negative zero.
  Float8E5M2 = ONYX_ELEMENT_FLOAT8E5M2,          ///< float8, 5 exponent bits, 2 mantissa bits.
  Float8E5M2FNUZ = ONYX_ELEMENT_FLOAT8E5M2FNUZ,  ///< As Float8E5M2, no infinities, no negative zero.
  UInt4 = ONYX_ELEMENT_UINT4,                    ///< Unsigned 4-bit integers, two per byte.
  Int4 = ONYX_ELEMENT_INT4,                      ///< Signed 4-bit integers, two per byte.
  Float4E2M1 = ONYX_ELEMENT_FLOAT4E2M1,          ///< 4-bit floats, two per byte.
  Float8E8M0 = ONYX_ELEMENT_FLOAT8E8M0,          ///< An 8-bit power of two (a scale).
  UInt2 = ONYX_ELEMENT_UINT2,                    ///< Unsigned 2-bit integers, four per byte.
  Int2 = ONYX_ELEMENT_INT2,                      ///< Signed 2-bit integers, four per byte.
};

/// Graph optimization levels (ONYX_OPTIMIZATION_*).
enum class OptimizationLevel : uint32_t {
  Disabled = ONYX_OPTIMIZATION_DISABLED,
  Basic = ONYX_OPTIMIZATION_BASIC,
  Extended = ONYX_OPTIMIZATION_EXTENDED,
  All = ONYX_OPTIMIZATION_ALL,
};

/// Which log lines reach stderr or the log callback (ONYX_LOG_*); also the level of a line.
enum class LogLevel : uint32_t {
  Verbose = ONYX_LOG_VERBOSE,
  Info = ONYX_LOG_INFO,
  Warning = ONYX_LOG_WARNING,
  Error = ONYX_LOG_ERROR,
  Fatal = ONYX_LOG_FATAL,
};

/// The stable name of an error code ("SHAPE_MISMATCH", ...; "UNKNOWN" for a value
/// this libonyx does not define). Static storage.
inline const char* error_code_name(ErrorCode code) noexcept {
  return onyx_error_code_name(static_cast<uint32_t>(code));
}

/// Size in bytes of one element of `type` (core's table); 0 for
/// ElementType::Undefined, String, the sub-byte types (UInt4 ... Int2) or a number
/// libonyx does not support.
inline size_t element_size(ElementType type) noexcept {
  return onyx_element_type_size(static_cast<uint32_t>(type));
}

/// ONNX's name of `type` ("float", "int64", ...; "unknown"). Static storage.
inline const char* element_type_name(ElementType type) noexcept {
  return onyx_element_type_name(static_cast<uint32_t>(type));
}

/// What a model input or output is (ONYX_VALUE_KIND_*).
enum class ValueKind : uint32_t {
  Unknown = 0,  ///< A kind this libonyx does not describe.
  Tensor = ONYX_VALUE_KIND_TENSOR,
  Sequence = ONYX_VALUE_KIND_SEQUENCE,
  Map = ONYX_VALUE_KIND_MAP,
  Optional = ONYX_VALUE_KIND_OPTIONAL,
};

// ---------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------

/// A failed Onyx call: the stable code and the message libonyx gave.
/// what() is the message; code_name() the code's stable name.
class Error : public std::runtime_error {
 public:
  /// An error with `code` and `message`.
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  /// The stable error code.
  ErrorCode code() const noexcept { return code_; }

  /// The code's stable name ("SHAPE_MISMATCH", ...).
  const char* code_name() const noexcept { return error_code_name(code_); }

 private:
  ErrorCode code_;
};

#ifdef ONYX_NO_EXCEPTIONS
/// Without exceptions (ONYX_NO_EXCEPTIONS), every failure calls this handler with
/// the error; when the handler returns (or none is set, in which case the error is
/// printed to stderr), the program aborts, because no call can return a usable
/// object after a failure. A handler may log, flush, or leave by std::exit/longjmp.
using ErrorHandler = void (*)(const Error& error);

namespace detail {
inline std::atomic<ErrorHandler> error_handler{nullptr};
}  // namespace detail

/// Installs the handler for failures (ONYX_NO_EXCEPTIONS only); returns the
/// previous one. nullptr restores the default (print and abort). Any thread.
inline ErrorHandler set_error_handler(ErrorHandler handler) noexcept {
  return detail::error_handler.exchange(handler);
}
#endif

/// 1 when the compiler has exceptions on, so code called from Onyx's threads (the
/// callbacks) can stop a C++ exception before it reaches C; 0 with -fno-exceptions.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define ONYX_HPP_CATCHES 1
#else
#define ONYX_HPP_CATCHES 0
#endif

namespace detail {

/// Reports a failure: throws onyx::Error, or, with ONYX_NO_EXCEPTIONS, calls the
/// handler and aborts.
[[noreturn]] inline void fail(ErrorCode code, const char* message) {
#ifdef ONYX_NO_EXCEPTIONS
  const Error error(code, message);
  if (ErrorHandler handler = error_handler.load()) {
    handler(error);
  } else {
    std::fprintf(stderr, "onyx: %s: %s\n", error.code_name(), error.what());
  }
  std::abort();
#else
  throw Error(code, message);
#endif
}

/// Frees a status when the scope ends, also while an exception leaves it.
struct StatusOwner {
  onyx_status* status;
  ~StatusOwner() { onyx_status_free(status); }
};

[[noreturn]] inline void fail(onyx_status* status) {
  StatusOwner owner{status};
  fail(static_cast<ErrorCode>(onyx_status_code(status)), onyx_status_message(status));
}

/// Turns a C status into a failure; NULL (success) costs one comparison.
inline void check(onyx_status* status);

/// Core's refusal of text holding a NUL (a C string would end there): InvalidArgument.
inline void check_text(const char* data, size_t size, const char* what) {
  if (std::memchr(data, '\0', size) != nullptr) check(onyx_text_check(data, size, what));
}
inline const char* checked(const std::string& text, const char* what) {
  check_text(text.data(), text.size(), what);
  return text.c_str();
}

inline void check(onyx_status* status) {
  if (status != nullptr) {
    fail(status);
  }
}

}  // namespace detail

/**
 * The version check made before the first Onyx object is created, on a version as
 * onyx_abi_version() returns it ((major << 16) | minor): fails with
 * ErrorCode::AbiMismatch unless its major is ONYX_ABI_VERSION_MAJOR, the one this
 * header was written for. Public so a test can feed it a fake loaded version.
 */
inline void check_abi_version(uint32_t loaded) {
  const uint32_t major = loaded >> 16;
  if (major != ONYX_ABI_VERSION_MAJOR) {
    const std::string message = "libonyx has ABI major " + std::to_string(major) + " (C ABI version " +
                                std::to_string(major) + "." + std::to_string(loaded & 0xFFFFu) +
                                "); this binding needs " + std::to_string(ONYX_ABI_VERSION_MAJOR) +
                                ". Use the onyx.hpp and libonyx of one Onyx package.";
    detail::fail(ErrorCode::AbiMismatch, message.c_str());
  }
}

namespace detail {

/// check_abi_version on the loaded libonyx, once per process.
inline void ensure_abi() {
  static const bool checked = (check_abi_version(onyx_abi_version()), true);
  (void)checked;
}

/// A new C object from a `create(&out)` call, after the version check.
template <typename T>
T* created(onyx_status* (*create)(T** out)) {
  ensure_abi();
  T* out = nullptr;
  check(create(&out));
  return out;
}

/// A borrowed C string, "" for NULL.
inline const char* str(const char* s) noexcept { return s != nullptr ? s : ""; }

/**
 * The owner of one C handle: move-only, frees with `Free` (which accepts NULL) when
 * destroyed or assigned over. The base of every class that owns a handle (as
 * ONNX Runtime's Ort::detail::Base). A moved-from object holds NULL: using it is
 * not undefined, the C ABI reports ErrorCode::NullPointer.
 */
template <typename T, void (*Free)(T*)>
class Handle {
 public:
  /// The C type owned.
  using c_type = T;

  /// An empty handle (NULL).
  Handle() noexcept = default;
  /// Takes ownership of `owned` (may be NULL).
  explicit Handle(T* owned) noexcept : handle_(owned) {}
  ~Handle() { Free(handle_); }

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      Free(std::exchange(handle_, std::exchange(other.handle_, nullptr)));
    }
    return *this;
  }

  /// The C handle, still owned by this object (for calls into onyx.h).
  T* get() const noexcept { return handle_; }
  /// Gives up ownership: the caller frees the returned handle with the C _free function.
  T* release() noexcept { return std::exchange(handle_, nullptr); }
  /// True unless empty (default-constructed, moved from or released).
  explicit operator bool() const noexcept { return handle_ != nullptr; }

 private:
  T* handle_ = nullptr;
};

}  // namespace detail

// ---------------------------------------------------------------------------------
// Small value types
// ---------------------------------------------------------------------------------

/**
 * A non-owning view of `size()` contiguous `T` (std::span's shape, for C++17).
 * Made from a pointer and a length, an array, a container with data() and size()
 * (std::vector, std::array, std::string), or, when T is const, a braced list.
 * A parameter of type Span<const T> accepts any of these; it never outlives the call.
 */
template <typename T>
class Span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;

  constexpr Span() noexcept = default;
  /// `size` elements from `data`.
  constexpr Span(T* data, size_t size) noexcept : data_(data), size_(size) {}
  /// A braced list, e.g. a shape `{1, 3, 224, 224}` (only for Span<const T>).
  template <typename U = T, std::enable_if_t<std::is_const_v<U>, int> = 0>
  constexpr Span(std::initializer_list<value_type> list) noexcept : data_(std::data(list)), size_(list.size()) {}
  /// A container with contiguous storage (std::vector, std::array, C array).
  template <typename C,
            std::enable_if_t<!std::is_same_v<std::remove_cv_t<std::remove_reference_t<C>>, Span> &&
                                 std::is_convertible_v<decltype(std::data(std::declval<C&>())), T*>,
                             int> = 0>
  constexpr Span(C&& container) noexcept : data_(std::data(container)), size_(std::size(container)) {}

  constexpr T* data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }
  constexpr T& operator[](size_t index) const noexcept { return data_[index]; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

/**
 * A 16-bit float element, stored as its raw bits: onyx::Float16 (IEEE 754 half
 * precision, ONNX float16) and onyx::BFloat16 (a float's upper half, ONNX
 * bfloat16). The conversions are core's (onyx_float16_from_float32 and
 * onyx_bfloat16_from_float32, and back): round to nearest even as ONNX Runtime
 * does, NaN stays NaN, Float16 magnitudes from 65520 up become infinity; the same
 * bits as every other Onyx language. == compares bits.
 */
template <ElementType Type>
struct HalfFloat {
  static_assert(Type == ElementType::Float16 || Type == ElementType::BFloat16, "a 16-bit float type");

  uint16_t bits = 0;  ///< The raw bits.

  constexpr HalfFloat() noexcept = default;
  /// The value nearest to `value` (ties to even).
  explicit HalfFloat(float value) noexcept
      : bits(Type == ElementType::Float16 ? onyx_float16_from_float32(value) : onyx_bfloat16_from_float32(value)) {}
  /// A value from its raw bits.
  static constexpr HalfFloat from_bits(uint16_t raw) noexcept {
    HalfFloat h;
    h.bits = raw;
    return h;
  }
  /// The exact float value.
  float to_float() const noexcept {
    return Type == ElementType::Float16 ? onyx_float16_to_float32(bits) : onyx_bfloat16_to_float32(bits);
  }
  explicit operator float() const noexcept { return to_float(); }
  friend constexpr bool operator==(HalfFloat a, HalfFloat b) noexcept { return a.bits == b.bits; }
  friend constexpr bool operator!=(HalfFloat a, HalfFloat b) noexcept { return a.bits != b.bits; }
};

/// IEEE 754 half precision (ONNX float16); see HalfFloat.
using Float16 = HalfFloat<ElementType::Float16>;
/// bfloat16 (ONNX bfloat16), the top 16 bits of a float; see HalfFloat.
using BFloat16 = HalfFloat<ElementType::BFloat16>;

static_assert(sizeof(Float16) == 2 && std::is_trivially_copyable_v<Float16>, "Float16 must be 16 raw bits");
static_assert(sizeof(BFloat16) == 2 && std::is_trivially_copyable_v<BFloat16>, "BFloat16 must be 16 raw bits");
static_assert(sizeof(bool) == 1, "ONNX bool tensors hold one byte per element");

/**
 * The ONNX element type of a C++ element type, at compile time:
 * `element_type_of<float>` is ElementType::Float32. Defined for float, double,
 * int8_t ... uint64_t, bool, Float16 and BFloat16; any other type does not compile.
 */
template <typename T>
struct ElementTypeOf;
/// @cond MAPPING
template <>
struct ElementTypeOf<float> : std::integral_constant<ElementType, ElementType::Float32> {};
template <>
struct ElementTypeOf<double> : std::integral_constant<ElementType, ElementType::Float64> {};
template <>
struct ElementTypeOf<int8_t> : std::integral_constant<ElementType, ElementType::Int8> {};
template <>
struct ElementTypeOf<uint8_t> : std::integral_constant<ElementType, ElementType::UInt8> {};
template <>
struct ElementTypeOf<int16_t> : std::integral_constant<ElementType, ElementType::Int16> {};
template <>
struct ElementTypeOf<uint16_t> : std::integral_constant<ElementType, ElementType::UInt16> {};
template <>
struct ElementTypeOf<int32_t> : std::integral_constant<ElementType, ElementType::Int32> {};
template <>
struct ElementTypeOf<uint32_t> : std::integral_constant<ElementType, ElementType::UInt32> {};
template <>
struct ElementTypeOf<int64_t> : std::integral_constant<ElementType, ElementType::Int64> {};
template <>
struct ElementTypeOf<uint64_t> : std::integral_constant<ElementType, ElementType::UInt64> {};
template <>
struct ElementTypeOf<bool> : std::integral_constant<ElementType, ElementType::Bool> {};
template <>
struct ElementTypeOf<Float16> : std::integral_constant<ElementType, ElementType::Float16> {};
template <>
struct ElementTypeOf<BFloat16> : std::integral_constant<ElementType, ElementType::BFloat16> {};
/// @endcond

/// The ONNX element type of `T` (see ElementTypeOf).
template <typename T>
inline constexpr ElementType element_type_of = ElementTypeOf<std::remove_cv_t<T>>::value;

/**
 * The full ONNX type of a model input or output, nested as ONNX nests them
 * (onyx_value_type, copied out of the session): `tensor(float)`,
 * `seq(map(int64,tensor(float)))`, `optional(tensor(string))`. to_string() is the type
 * in ONNX's notation, as core writes it (onyx_value_type_name). Element types are
 * ONNX's numbers, also for types Onyx cannot hold (complex64 is ElementType(14)).
 * Copyable; the nested types are shared, never changed.
 */
class ValueType {
 public:
  /// No type (what an empty ValueInfo holds): kind Unknown, to_string() "".
  ValueType() = default;

  /// Tensor, sequence, map or optional.
  ValueKind kind() const noexcept { return kind_; }
  /// A tensor type's element type, or a map type's value element type; Undefined for a
  /// sequence or an optional (see item()).
  ElementType element_type() const noexcept { return element_type_; }
  /// A map type's key element type (Int64, String, ...); Undefined for the other kinds.
  ElementType key_type() const noexcept { return key_type_; }
  /// What a sequence or an optional holds, or a map's values; nullptr for a tensor type.
  /// Valid while this ValueType (or a copy of it) lives.
  const ValueType* item() const noexcept { return item_.get(); }
  /// The type in ONNX's notation: "seq(map(int64,tensor(float)))".
  const std::string& to_string() const noexcept { return name_; }
  /// The same as to_string().
  const std::string& name() const noexcept { return name_; }

  /// Types are equal when ONNX writes them the same.
  friend bool operator==(const ValueType& a, const ValueType& b) noexcept { return a.name_ == b.name_; }
  friend bool operator!=(const ValueType& a, const ValueType& b) noexcept { return a.name_ != b.name_; }

  /// The type of a C type handle, with its nested types.
  static ValueType from_c(const onyx_value_type* type) {
    ValueType out;
    out.kind_ = static_cast<ValueKind>(onyx_value_type_kind(type));
    out.element_type_ = static_cast<ElementType>(onyx_value_type_element_type(type));
    out.key_type_ = static_cast<ElementType>(onyx_value_type_key_type(type));
    if (const onyx_value_type* item = onyx_value_type_item(type)) out.item_ = std::make_shared<const ValueType>(from_c(item));
    out.name_ = onyx_value_type_name(type);
    return out;
  }

 private:
  ValueKind kind_ = ValueKind::Unknown;
  ElementType element_type_ = ElementType::Undefined;
  ElementType key_type_ = ElementType::Undefined;
  std::shared_ptr<const ValueType> item_;
  std::string name_;
};

/// Description of one model input or output (copied out of the session).
struct ValueInfo {
  std::string name;                         ///< The value's name.
  ValueKind kind{};                         ///< Tensor, sequence, map or optional.
  std::optional<ElementType> element_type;  ///< A tensor's element type; empty for another kind or an unsupported type.
  std::vector<int64_t> shape;          ///< Dimensions, -1 where the model leaves one free.
  std::vector<std::string> dim_names;  ///< One per dimension, "" when unnamed.
  ValueType value_type;                ///< The full ONNX type: value_type.to_string() is "seq(map(string,tensor(float)))".
};

/// The model's metadata (copied out of the session).
struct ModelMetadata {
  std::string producer;                       ///< producer_name, "" when absent.
  std::string graph_name;                     ///< The graph's name.
  std::string domain;                         ///< The model's domain.
  std::string description;                    ///< The model's doc_string.
  std::string graph_description;              ///< The graph's doc_string.
  std::optional<int64_t> version;             ///< model_version; empty when the model has none.
  std::map<std::string, std::string> custom;  ///< metadata_props, by key.
};

/**
 * A name passed to a run: a NUL-terminated string borrowed for the call (a string
 * literal, a `const char*` or a std::string). No copy and no allocation.
 */
class Name {
 public:
  /// Borrows `name` (NUL-terminated UTF-8).
  Name(const char* name) noexcept : name_(name), size_(std::string::npos) {}  // NOLINT: implicit by design
  /// Borrows `name.c_str()`. A std::string holding a NUL is refused when used
  /// (InvalidArgument from core), never cut short.
  Name(const std::string& name) noexcept : name_(name.c_str()), size_(name.size()) {}  // NOLINT: implicit by design
  /// The borrowed C string, checked first (`what` names it in an error).
  const char* c_str(const char* what = "name") const {
    if (size_ != std::string::npos) detail::check_text(name_, size_, what);
    return name_;
  }

 private:
  const char* name_;
  size_t size_;
};

// ---------------------------------------------------------------------------------
// The runtime
// ---------------------------------------------------------------------------------

/// ONNX Runtime, loaded once per process. A namespace of static functions.
class Runtime {
 public:
  Runtime() = delete;

  /// The C ABI version of the loaded libonyx: (major << 16) | minor.
  static uint32_t abi_version() noexcept { return onyx_abi_version(); }

  /**
   * Loads ONNX Runtime by the default lookup: the ONYX_ORT_LIBRARY environment
   * variable, then libonnxruntime.so.<pinned> in the folder that holds libonyx.
   * Optional: the first call that needs the runtime does this. Calling again is
   * fine. Fails with ErrorCode::RuntimeLoadFailed, naming the path tried.
   */
  static void init() {
    detail::ensure_abi();
    detail::check(onyx_runtime_init(nullptr));
  }

  /// Loads ONNX Runtime from `ort_library_path` (absolute, or relative to the
  /// current folder). Once loaded, another path fails with RuntimeLoadFailed.
  static void init(const std::string& ort_library_path) {
    detail::ensure_abi();
    detail::check(onyx_runtime_init(detail::checked(ort_library_path, "ONNX Runtime library path")));
  }

  /// The loaded ONNX Runtime's version ("1.31.1"), loading it if needed. Static storage.
  static std::string_view version() {
    detail::ensure_abi();
    const char* out = nullptr;
    detail::check(onyx_runtime_version(&out));
    return out;
  }

  /// Absolute path of the ONNX Runtime library loaded, loading it if needed. Static storage.
  static std::string_view path() {
    detail::ensure_abi();
    const char* out = nullptr;
    detail::check(onyx_runtime_path(&out));
    return out;
  }

  /// Which of ONNX Runtime's and Onyx's log lines reach stderr, or the log callback
  /// (default Warning: Warning and above). Any thread.
  static void set_log_level(LogLevel level) {
    detail::ensure_abi();
    detail::check(onyx_set_log_level(static_cast<uint32_t>(level)));
  }

  /// What receives log lines instead of stderr: the line's level, its category
  /// (ONNX Runtime's, or "onyx" for Onyx's own lines) and its message, both valid
  /// only during the call.
  using LogCallback = std::function<void(LogLevel level, std::string_view category, std::string_view message)>;

  /**
   * Sends the log lines the level lets through (set_log_level) to `callback`
   * instead of stderr; an empty function goes back to stderr
   * (onyx_set_log_callback). The callback is called on any thread, ONNX Runtime's
   * included, possibly on several at once, so it must be thread-safe; it should
   * return soon. An exception it throws is swallowed (that line is lost); a line
   * logged while it runs, on its thread, is dropped.
   *
   * When this returns, the callback it replaced is not running and will not be
   * called again, and it has been destroyed (with what it captured). Calling this
   * from inside the callback is core's InvalidArgument. Any thread.
   */
  static void set_log_callback(LogCallback callback);
};

namespace detail {

/// The callback the C ABI calls: one per process (replaced under the lock, never
/// destroyed at exit, so a line logged while the process ends finds it alive).
inline std::mutex log_callback_lock;
inline Runtime::LogCallback* log_callback_current = nullptr;
/// The callback a thread is running (the one installed in C), else NULL:
/// set_log_callback from inside it must not wait for the lock (a thread holding the
/// lock waits, in C, for this callback to return).
inline thread_local void* running_log_callback = nullptr;

inline void log_line(void* user_data, uint32_t level, const char* category, const char* message) noexcept {
  const Runtime::LogCallback& callback = *static_cast<const Runtime::LogCallback*>(user_data);
  running_log_callback = user_data;
#if ONYX_HPP_CATCHES
  try {
    callback(static_cast<LogLevel>(level), str(category), str(message));
  } catch (...) {
    // Never into C: the line is lost.
  }
#else
  callback(static_cast<LogLevel>(level), str(category), str(message));
#endif
  running_log_callback = nullptr;
}

}  // namespace detail

inline void Runtime::set_log_callback(LogCallback callback) {
  detail::ensure_abi();
  if (void* running = detail::running_log_callback) {
    // Core refuses this (InvalidArgument) before changing anything. It is asked to
    // re-install the running callback, so nothing would change even if it did not.
    detail::check(onyx_set_log_callback(&detail::log_line, running));
    return;
  }
  std::unique_ptr<LogCallback> next = callback ? std::make_unique<LogCallback>(std::move(callback)) : nullptr;
  std::unique_ptr<LogCallback> old;  // destroyed after the lock is released: its captures may log or set again
  const std::lock_guard<std::mutex> lock(detail::log_callback_lock);
  detail::check(onyx_set_log_callback(next ? &detail::log_line : nullptr, next.get()));
  // The C ABI no longer calls the old one, nor ever will: it may go.
  old.reset(std::exchange(detail::log_callback_current, next.release()));
}

// ---------------------------------------------------------------------------------
// Session options
// ---------------------------------------------------------------------------------

/**
 * A group of sessions that share the weights of each model they load
 * (onyx_shared_weights): the second and later sessions of a model made with options
 * naming the group cost a fraction of the first, with bit-identical answers. A model's
 * weights are held while a session of it lives; the group may be destroyed before its
 * sessions. The first session of a model in a group loads it twice (to optimize it once).
 */
class SharedWeights : public detail::Handle<onyx_shared_weights, onyx_shared_weights_free> {
 public:
  /// An empty group.
  SharedWeights() : Handle(detail::created(onyx_shared_weights_create)) {}
  /// An empty object (no C handle).
  explicit SharedWeights(std::nullptr_t) noexcept {}
  /// How many models the group holds weights of now.
  size_t model_count() const noexcept { return onyx_shared_weights_model_count(get()); }
  /// The bytes of weights the group holds now, each counted once.
  size_t byte_length() const noexcept { return onyx_shared_weights_byte_length(get()); }
};

class Operator;

/**
 * Options for creating sessions (onyx_session_options). Setters return *this for
 * chaining. Not synchronised. A session copies what it needs, so options may be
 * changed or destroyed right after creating one.
 */
class SessionOptions : public detail::Handle<onyx_session_options, onyx_session_options_free> {
 public:
  /// ONNX Runtime's defaults: all optimizations, its own thread counts, CPU only.
  SessionOptions() : Handle(detail::created(onyx_session_options_create)) {}
  /// An empty object (no C handle).
  explicit SessionOptions(std::nullptr_t) noexcept {}
  /// Takes ownership of a C handle.
  explicit SessionOptions(onyx_session_options* owned) noexcept : Handle(owned) {}

  /// Threads inside one operator; 0 lets ONNX Runtime choose. A negative count
  /// fails with InvalidArgument (core's check).
  SessionOptions& set_intra_op_threads(int32_t threads) {
    return chain(onyx_session_options_set_intra_op_threads(get(), threads));
  }
  /// Threads across operators; 0 lets ONNX Runtime choose. A negative count fails
  /// with InvalidArgument (core's check).
  SessionOptions& set_inter_op_threads(int32_t threads) {
    return chain(onyx_session_options_set_inter_op_threads(get(), threads));
  }
  /// Graph optimization level.
  SessionOptions& set_optimization_level(OptimizationLevel level) {
    return chain(onyx_session_options_set_optimization_level(get(), static_cast<uint32_t>(level)));
  }
  /// Adds an execution provider to try, in order of preference ("XNNPACK", ...).
  /// CPU is always last. See set_allow_provider_fallback.
  SessionOptions& append_execution_provider(const std::string& name) {
    return chain(onyx_session_options_append_execution_provider(get(), detail::checked(name, "execution provider name")));
  }
  /// When true, a provider that cannot be registered is skipped with a warning
  /// instead of failing with ErrorCode::ExecutionProviderUnavailable.
  SessionOptions& set_allow_provider_fallback(bool allow) {
    return chain(onyx_session_options_set_allow_provider_fallback(get(), allow));
  }
  /// ONNX Runtime's CPU memory arena (on by default); off, allocations go to the system allocator.
  SessionOptions& set_cpu_memory_arena(bool enable) {
    return chain(onyx_session_options_set_cpu_memory_arena(get(), enable));
  }
  /// ONNX Runtime's memory-pattern planning (on by default).
  SessionOptions& set_memory_pattern(bool enable) { return chain(onyx_session_options_set_memory_pattern(get(), enable)); }
  /// Asks kernels for reproducible results where they have a choice.
  SessionOptions& set_deterministic_compute(bool enable) {
    return chain(onyx_session_options_set_deterministic_compute(get(), enable));
  }
  /// Has ONNX Runtime profile the runs of sessions made with these options into a JSON
  /// file whose name starts with `prefix`; Session::end_profiling ends it.
  SessionOptions& enable_profiling(const std::string& prefix) {
    return chain(onyx_session_options_enable_profiling(get(), detail::checked(prefix, "profiling prefix")));
  }
  /// Fixes the free dimension `name` ("batch") to `value` in every input and output:
  /// the session reports it, a run with another value is ShapeMismatch. A negative
  /// value is InvalidArgument; a name the model does not use is ignored.
  SessionOptions& add_free_dimension_override(const std::string& name, int64_t value) {
    return chain(onyx_session_options_add_free_dimension_override(get(), detail::checked(name, "free dimension name"), value));
  }
  /// Adds a custom-operator library (a shared library exporting ONNX Runtime's
  /// RegisterCustomOps); several may be added, each loaded until the process exits. Throws InvalidArgument naming the path and the reason when
  /// it is missing, not a shared library, or has no RegisterCustomOps. A model using
  /// an operator no library provides fails to load with UnsupportedOperator.
  SessionOptions& add_custom_op_library(const std::string& path) {
    return chain(onyx_session_options_add_custom_op_library(get(), detail::checked(path, "custom-op library path")));
  }
  /// Adds a raw ONNX Runtime session config entry (onnxruntime_session_options_config_keys.h).
  SessionOptions& add_config_entry(const std::string& key, const std::string& value) {
    return chain(onyx_session_options_add_config_entry(get(), detail::checked(key, "session config key"),
                                                       detail::checked(value, ("session config entry '" + key + "' value").c_str())));
  }

  /**
   * Supplies an external-data file from memory: a model whose initializers name
   * `file_name` as their external data `location` reads them from these `length`
   * bytes instead of the disk, whether it is loaded from a path or from bytes. The
   * bytes are copied (they may be freed when this returns); adding a name again
   * replaces it. A name holding a NUL is core's InvalidArgument.
   */
  SessionOptions& add_external_data(std::string_view file_name, const void* data, size_t length) {
    const std::string name(file_name);
    return chain(onyx_session_options_add_external_data(get(), detail::checked(name, "external data file name"),
                                                        static_cast<const uint8_t*>(data), length));
  }
  /// As add_external_data(file_name, data, length), from a container of bytes
  /// (std::vector<uint8_t>, std::array, ...), copied.
  SessionOptions& add_external_data(std::string_view file_name, Span<const uint8_t> bytes) {
    return add_external_data(file_name, bytes.data(), bytes.size());
  }
  /// Lets a model loaded from a path read external data outside its own folder (an
  /// absolute location, or one with ".."). Off by default: such a model then fails
  /// to load with InvalidModel, naming the initializer and the location.
  SessionOptions& set_external_data_outside_model_folder(bool allow) {
    return chain(onyx_session_options_set_external_data_outside_model_folder(get(), allow));
  }
  /// Sessions made with these options share each model's weights with the other
  /// sessions of `group` (nullptr: share nothing, the default).
  SessionOptions& set_shared_weights(const SharedWeights* group) {
    return chain(onyx_session_options_set_shared_weights(get(), group ? group->get() : nullptr));
  }

  /// Adds an operator whose kernel is C++ code (see Operator): sessions made with these
  /// options run it for the model's domain::name nodes and keep it alive. Adding it
  /// again does nothing; another operator with its domain and name is InvalidArgument.
  SessionOptions& add_operator(const Operator& op);

 private:
  SessionOptions& chain(onyx_status* status) {
    detail::check(status);
    return *this;
  }
};

// ---------------------------------------------------------------------------------
// Tensors
// ---------------------------------------------------------------------------------

/**
 * A dense CPU tensor (onyx_tensor): it owns its data, or borrows the caller's
 * memory (Tensor::borrow, zero copy). Not synchronised: one writer at a time;
 * several threads may read it, also as a run input, at once.
 */
class Tensor : public detail::Handle<onyx_tensor, onyx_tensor_free> {
 public:
  /// An empty tensor (no C handle); see zeros, copy and borrow.
  Tensor() noexcept = default;
  /// Takes ownership of a C handle.
  explicit Tensor(onyx_tensor* owned) noexcept : Handle(owned) {}

  /// A zero-filled tensor owning its data, e.g. to receive run_into's output.
  static Tensor zeros(ElementType type, Span<const int64_t> shape) {
    detail::ensure_abi();
    onyx_tensor* out = nullptr;
    detail::check(onyx_tensor_create_zeros(static_cast<uint32_t>(type), shape.data(), shape.size(), &out));
    return Tensor(out);
  }
  /// A zero-filled tensor of element type T.
  template <typename T>
  static Tensor zeros(Span<const int64_t> shape) {
    return zeros(element_type_of<T>, shape);
  }

  /// A tensor holding a copy of `byte_length` bytes at `data` (native-endian
  /// elements). Fails with BufferSizeMismatch when the length is not the shape's.
  static Tensor copy(ElementType type, Span<const int64_t> shape, const void* data, size_t byte_length) {
    detail::ensure_abi();
    onyx_tensor* out = nullptr;
    detail::check(onyx_tensor_create_copy(static_cast<uint32_t>(type), shape.data(), shape.size(), data, byte_length, &out));
    return Tensor(out);
  }
  /// A tensor holding a copy of `count` values of T.
  template <typename T>
  static Tensor copy(Span<const int64_t> shape, const T* values, size_t count) {
    return copy(element_type_of<T>, shape, values, count * sizeof(T));
  }
  /// A tensor holding a copy of `values`.
  template <typename T>
  static Tensor copy(Span<const int64_t> shape, const std::vector<T>& values) {
    static_assert(!std::is_same_v<T, bool>, "std::vector<bool> is not contiguous: use a bool array");
    return copy(element_type_of<T>, shape, values.data(), values.size() * sizeof(T));
  }

  /**
   * A tensor over the caller's memory, without a copy: data() is `data`. Keep the
   * memory alive and unchanged while runs use the tensor, and valid until the
   * tensor is destroyed. As a run_into output, the run writes into it.
   */
  static Tensor borrow(ElementType type, Span<const int64_t> shape, void* data, size_t byte_length) {
    detail::ensure_abi();
    onyx_tensor* out = nullptr;
    detail::check(onyx_tensor_create_borrowed(static_cast<uint32_t>(type), shape.data(), shape.size(), data, byte_length, &out));
    return Tensor(out);
  }
  /// A tensor over `count` values of T at `values` (see the untyped borrow).
  template <typename T>
  static Tensor borrow(Span<const int64_t> shape, T* values, size_t count) {
    static_assert(!std::is_const_v<T>, "a borrowed tensor may be written to (run_into): pass non-const memory");
    return borrow(element_type_of<T>, shape, values, count * sizeof(T));
  }
  /// A tensor over `values`' storage (see the untyped borrow). Do not resize the
  /// vector while the tensor lives.
  template <typename T>
  static Tensor borrow(Span<const int64_t> shape, std::vector<T>& values) {
    static_assert(!std::is_same_v<T, bool>, "std::vector<bool> is not contiguous: use a bool array");
    return borrow(element_type_of<T>, shape, values.data(), values.size() * sizeof(T));
  }

  /// Element type; Undefined for an empty tensor.
  ElementType element_type() const noexcept { return static_cast<ElementType>(onyx_tensor_element_type(get())); }
  /// Number of dimensions (0 for a scalar).
  size_t rank() const noexcept { return onyx_tensor_rank(get()); }
  /// The dimensions.
  std::vector<int64_t> shape() const {
    const int64_t* dims = onyx_tensor_shape(get());
    return dims != nullptr ? std::vector<int64_t>(dims, dims + rank()) : std::vector<int64_t>{};
  }
  /// Number of elements (product of the dimensions).
  size_t element_count() const noexcept { return onyx_tensor_element_count(get()); }
  /// Size of the data in bytes.
  size_t byte_length() const noexcept { return onyx_tensor_byte_length(get()); }

  /// The data, for reading (the caller's pointer for a borrowed tensor).
  const void* data() const noexcept { return onyx_tensor_data(get()); }
  /// The data, for writing.
  void* mutable_data() noexcept { return onyx_tensor_mutable_data(get()); }

  /// The data as T. Core checks the element type (onyx_tensor_data_as): another
  /// type fails with TypeMismatch, an empty tensor with NullPointer.
  template <typename T>
  const T* data() const {
    const void* out = nullptr;
    detail::check(onyx_tensor_data_as(get(), static_cast<uint32_t>(element_type_of<T>), &out));
    return static_cast<const T*>(out);
  }
  /// The data as T, for writing; the same check as data<T>().
  template <typename T>
  T* mutable_data() {
    // The pointer onyx_tensor_data_as gives is the tensor's own (mutable_data's):
    // the check is core's, and this non-const tensor may be written through it.
    return const_cast<T*>(std::as_const(*this).template data<T>());
  }
  /// The elements as T (valid until the tensor is destroyed); TypeMismatch otherwise.
  template <typename T>
  Span<const T> values() const {
    return Span<const T>(data<T>(), element_count());
  }
  /// The elements as T, writable; TypeMismatch otherwise.
  template <typename T>
  Span<T> mutable_values() {
    return Span<T>(mutable_data<T>(), element_count());
  }
  /// A copy of the elements as T; TypeMismatch otherwise.
  template <typename T>
  std::vector<T> to_vector() const {
    const Span<const T> v = values<T>();
    return std::vector<T>(v.begin(), v.end());
  }

  /**
   * A string tensor (ElementType::String) of `shape` holding COPIES of `strings`
   * (C order; onyx_tensor_create_strings): the vector may be changed or destroyed at
   * once. A string may hold NUL bytes. Core checks every string: invalid UTF-8 is
   * InvalidUtf8 naming the element; a count other than the shape's element count is
   * BufferSizeMismatch. ONNX Runtime copies string inputs again when it runs.
   */
  static Tensor from_strings(Span<const int64_t> shape, const std::vector<std::string>& strings) {
    std::vector<std::string_view> views(strings.begin(), strings.end());
    return from_strings(shape, views.data(), views.size());
  }
  /// As from_strings(shape, strings), from `count` string views (copied).
  static Tensor from_strings(Span<const int64_t> shape, const std::string_view* strings, size_t count) {
    detail::ensure_abi();
    std::vector<const char*> pointers(count);
    std::vector<size_t> lengths(count);
    for (size_t i = 0; i < count; ++i) {
      pointers[i] = strings[i].data() != nullptr ? strings[i].data() : "";
      lengths[i] = strings[i].size();
    }
    onyx_tensor* out = nullptr;
    detail::check(onyx_tensor_create_strings(shape.data(), shape.size(), pointers.data(), lengths.data(), count, &out));
    return Tensor(out);
  }

  /**
   * Element `index` of a string tensor, borrowed (no copy): UTF-8, valid until the
   * tensor is destroyed. TypeMismatch for another element type, IndexOutOfRange past
   * the end (core's checks, onyx_tensor_string).
   */
  std::string_view string(size_t index) const {
    const char* data = nullptr;
    size_t length = 0;
    detail::check(onyx_tensor_string(get(), index, &data, &length));
    return std::string_view(data, length);
  }
  /// COPIES of every element of a string tensor, in C order (std::string, UTF-8);
  /// TypeMismatch for another element type. See string(index) for a view without a copy.
  std::vector<std::string> strings() const {
    const size_t count = element_count();
    std::vector<std::string> out;
    out.reserve(count);
    if (count == 0 && element_type() != ElementType::String) (void)string(0);  // core's TypeMismatch
    for (size_t i = 0; i < count; ++i) out.emplace_back(string(i));
    return out;
  }
};

// ---------------------------------------------------------------------------------
// Values: tensors, sequences, maps, optionals
// ---------------------------------------------------------------------------------

namespace detail {

/// A tensor a value owns, lent as a Tensor: never freed through this wrapper.
class LentTensor {
 public:
  LentTensor() noexcept = default;
  explicit LentTensor(const onyx_tensor* lent) noexcept : tensor_(const_cast<onyx_tensor*>(lent)) {}
  ~LentTensor() { (void)tensor_.release(); }
  LentTensor(const LentTensor&) = delete;
  LentTensor& operator=(const LentTensor&) = delete;
  LentTensor(LentTensor&& other) noexcept : tensor_(std::move(other.tensor_)) {}
  LentTensor& operator=(LentTensor&& other) noexcept {
    if (this != &other) {
      (void)tensor_.release();
      tensor_ = std::move(other.tensor_);
    }
    return *this;
  }
  const Tensor& get() const noexcept { return tensor_; }

 private:
  Tensor tensor_;
};

/// Strings are read by copy, every other type through the typed read (core's check).
template <typename T>
std::vector<T> elements_of(const Tensor& tensor) {
  if constexpr (std::is_same_v<T, std::string>) {
    return tensor.strings();
  } else {
    return tensor.to_vector<T>();
  }
}

}  // namespace detail

/**
 * An ONNX value (onyx_value): a tensor (numbers or strings), a sequence of values of one
 * type, a map (a 1-D tensor of integer or string keys and a 1-D tensor of as many
 * values, as ONNX Runtime holds maps) or an optional (present or absent). Move-only; a
 * Value owns what it holds. Made by the static builders (Value::tensor,
 * Value::sequence, Value::map, Value::optional), which TAKE what they are given (the tensors and values moved in are empty
 * afterwards, also when the call fails), or returned by Session::run_values.
 *
 * The views (tensor(), items(), item(), keys(), values()) are borrowed from the value:
 * valid while the Value they came from lives (also after it is moved), read-only, no
 * copy. to_map() and Tensor::strings() copy into the language's own types. Not
 * synchronised, like a Tensor: several threads may read one value at once.
 *
 * @code
 * // scikit-learn's ZipMap output: seq(map(string,tensor(float))), one map per row.
 * onyx::ValueOutputs out = session.run_values({{"input", features}});
 * for (const onyx::Value& row : out.at("output_probability").items()) {
 *   std::map<std::string, float> probabilities = row.to_map<std::string, float>();
 * }
 * @endcode
 */
class Value {
 public:
  /// An empty value (no C handle): kind() is Unknown.
  Value() noexcept = default;
  /// Takes ownership of a C value (may be NULL).
  explicit Value(onyx_value* owned) : Value() {
    owned_ = detail::Handle<onyx_value, onyx_value_free>(owned);
    attach(owned);
  }

  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  Value(Value&& other) noexcept
      : owned_(std::move(other.owned_)),
        c_(std::exchange(other.c_, nullptr)),
        tensor_(std::move(other.tensor_)),
        keys_(std::move(other.keys_)),
        values_(std::move(other.values_)),
        items_(std::move(other.items_)) {
    other.items_.clear();
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      owned_ = std::move(other.owned_);
      c_ = std::exchange(other.c_, nullptr);
      tensor_ = std::move(other.tensor_);
      keys_ = std::move(other.keys_);
      values_ = std::move(other.values_);
      items_ = std::move(other.items_);
      other.items_.clear();
    }
    return *this;
  }
  ~Value() = default;

  /// A tensor value: takes `tensor` (left empty), also on failure. No copy of its data
  /// (a Tensor::borrow tensor still reads the caller's memory).
  static Value tensor(Tensor&& tensor) {
    detail::ensure_abi();
    onyx_value* out = nullptr;
    detail::check(onyx_value_create_tensor(tensor.release(), &out));
    return Value(out);
  }
  /**
   * A sequence of `items` (empty for an empty sequence), all of one type: takes every
   * item (the vector is left empty), also on failure. Items of different types are
   * core's TypeMismatch, naming the first that differs. A view (an item of another
   * value) cannot be given: it is owned elsewhere (NullPointer).
   */
  static Value sequence(std::vector<Value>&& items) {
    detail::ensure_abi();
    std::vector<onyx_value*> handles(items.size());
    for (size_t i = 0; i < items.size(); ++i) handles[i] = items[i].release();
    items.clear();
    onyx_value* out = nullptr;
    detail::check(onyx_value_create_sequence(handles.data(), handles.size(), &out));
    return Value(out);
  }
  /**
   * A map from `keys` (a 1-D tensor of integers or strings) to `values` (a 1-D tensor
   * of as many elements): takes both tensors, also on failure. Different counts are
   * core's InvalidArgument.
   */
  static Value map(Tensor&& keys, Tensor&& values) {
    detail::ensure_abi();
    onyx_tensor* k = keys.release();
    onyx_tensor* v = values.release();
    onyx_value* out = nullptr;
    detail::check(onyx_value_create_map(k, v, &out));
    return Value(out);
  }
  /// A present optional holding `item` (taken, also on failure).
  static Value optional(Value&& item) {
    detail::ensure_abi();
    onyx_value* raw = item.release();
    if (raw == nullptr) {
      detail::fail(ErrorCode::NullPointer, "the optional's item is empty (moved from, released, or a view of another value)");
    }
    onyx_value* out = nullptr;
    detail::check(onyx_value_create_optional(raw, &out));
    return Value(out);
  }
  /// An absent optional: as a run input, the same as leaving the input out (core's
  /// MissingInput when the model requires it).
  static Value optional(std::nullopt_t = std::nullopt) {
    detail::ensure_abi();
    onyx_value* out = nullptr;
    detail::check(onyx_value_create_optional(nullptr, &out));
    return Value(out);
  }

  /// Tensor, sequence, map or optional; Unknown for an empty value.
  ValueKind kind() const noexcept { return static_cast<ValueKind>(onyx_value_kind(c_)); }
  /// Items of a sequence, entries of a map, 1 or 0 for a present or absent optional,
  /// 1 for a tensor, 0 for an empty value (onyx_value_count).
  size_t size() const noexcept { return onyx_value_count(c_); }
  /// A present optional (or any value that is not an optional and not empty).
  bool has_value() const noexcept { return c_ != nullptr && (kind() != ValueKind::Optional || !items_.empty()); }

  /// The tensor of a tensor value (a view). Core's TypeMismatch for another kind,
  /// NullPointer for an empty value.
  const Tensor& tensor() const {
    if (!tensor_.get()) {
      const onyx_tensor* unused = nullptr;
      detail::check(onyx_value_tensor(c_, &unused));  // core's error for this kind
    }
    return tensor_.get();
  }
  /// The items of a sequence (views), in order; for an optional, its item when
  /// present (0 or 1 items). Core's TypeMismatch for a tensor or a map.
  const std::vector<Value>& items() const {
    const ValueKind k = kind();
    if (k != ValueKind::Sequence && k != ValueKind::Optional) {
      const onyx_value* unused = nullptr;
      detail::check(onyx_value_item(c_, 0, &unused));  // core's error for this kind
    }
    return items_;
  }
  /// Item `index` of a sequence, or the item of a present optional (index 0), a view.
  /// Core's IndexOutOfRange past the end (an absent optional has none), TypeMismatch
  /// for a tensor or a map.
  const Value& item(size_t index = 0) const {
    const onyx_value* found = nullptr;
    detail::check(onyx_value_item(c_, index, &found));
    return items_.at(index);
  }
  /// A map's keys, a 1-D tensor (a view); core's TypeMismatch for another kind.
  const Tensor& keys() const {
    if (!keys_.get()) check_map();
    return keys_.get();
  }
  /// A map's values, a 1-D tensor as long as keys() (a view); TypeMismatch otherwise.
  const Tensor& values() const {
    if (!values_.get()) check_map();
    return values_.get();
  }

  /**
   * A COPY of a map as a std::map, for the usual ZipMap cases: K is int64_t or
   * std::string, V float, double, int64_t or std::string (any element type with a C++
   * type). A key or value type other than the map's is core's TypeMismatch; so is a
   * value that is not a map. std::map orders the keys (the map's own order is keys()).
   */
  template <typename K, typename V>
  std::map<K, V> to_map() const {
    std::vector<K> k = detail::elements_of<K>(keys());
    std::vector<V> v = detail::elements_of<V>(values());
    std::map<K, V> out;
    for (size_t i = 0; i < k.size() && i < v.size(); ++i) out.emplace(std::move(k[i]), std::move(v[i]));
    return out;
  }

  /// The C value (owned by this object, or by the value this one is a view of).
  const onyx_value* get() const noexcept { return c_; }
  /// Gives up ownership: the caller frees the returned handle with onyx_value_free.
  /// NULL for a view (owned by another value) or an empty value; this object is empty afterwards.
  onyx_value* release() noexcept {
    onyx_value* out = owned_.release();
    if (out != nullptr) {
      *this = Value();
    }
    return out;
  }
  /// True unless empty (default-constructed, moved from or released).
  explicit operator bool() const noexcept { return c_ != nullptr; }

 private:
  /// Makes the views of `c` (owned by this object or by the value it belongs to).
  void attach(const onyx_value* c) {
    c_ = c;
    switch (kind()) {
      case ValueKind::Tensor: {
        const onyx_tensor* t = nullptr;
        detail::check(onyx_value_tensor(c, &t));
        tensor_ = detail::LentTensor(t);
        break;
      }
      case ValueKind::Map: {
        const onyx_tensor* k = nullptr;
        const onyx_tensor* v = nullptr;
        detail::check(onyx_value_map(c, &k, &v));
        keys_ = detail::LentTensor(k);
        values_ = detail::LentTensor(v);
        break;
      }
      case ValueKind::Sequence:
      case ValueKind::Optional: {
        const size_t count = onyx_value_count(c);
        items_.reserve(count);
        for (size_t i = 0; i < count; ++i) {
          const onyx_value* item = nullptr;
          detail::check(onyx_value_item(c, i, &item));
          items_.emplace_back().attach(item);
        }
        break;
      }
      default:
        break;
    }
  }

  void check_map() const {
    detail::check(onyx_value_map(c_, nullptr, nullptr));  // core's error for this kind
  }

  detail::Handle<onyx_value, onyx_value_free> owned_;  // NULL for a view
  const onyx_value* c_ = nullptr;
  detail::LentTensor tensor_, keys_, values_;
  std::vector<Value> items_;
};


// ---------------------------------------------------------------------------------
// Operators with C++ kernels
// ---------------------------------------------------------------------------------

/// The type of an attribute a kernel reads (ONNX's AttributeProto numbers, ONYX_ATTRIBUTE_*).
enum class AttributeKind : uint32_t {
  Float = ONYX_ATTRIBUTE_FLOAT,
  Int = ONYX_ATTRIBUTE_INT,
  String = ONYX_ATTRIBUTE_STRING,
};

/**
 * One call of an operator's kernel (onyx_kernel_context): its node's attributes, its
 * inputs, and the outputs it allocates and fills. The tensors it hands out are ONNX
 * Runtime's memory, valid only during the call (do not keep or move them).
 */
class KernelContext {
 public:
  /// Wraps the C context of one call (what a C kernel receives), for that call.
  explicit KernelContext(onyx_kernel_context* borrowed) noexcept : c_(borrowed) {}
  KernelContext(const KernelContext&) = delete;
  KernelContext& operator=(const KernelContext&) = delete;
  ~KernelContext() {
    // ONNX Runtime's tensors, freed by the C context: only forgotten here.
    for (size_t i = 0; i < std::min(count_, kInline); i++) inline_[i].release();
    for (Tensor& t : more_) t.release();
  }

  size_t input_count() const noexcept { return onyx_kernel_context_input_count(c_); }
  size_t output_count() const noexcept { return onyx_kernel_context_output_count(c_); }

  /// Input `index`, read in place; IndexOutOfRange past the last.
  const Tensor& input(size_t index) {
    const onyx_tensor* out = nullptr;
    detail::check(onyx_kernel_context_input(c_, index, &out));
    return keep(const_cast<onyx_tensor*>(out));
  }

  /// Output `index` with `shape`, allocated by ONNX Runtime, for the kernel to fill.
  Tensor& output(size_t index, Span<const int64_t> shape) {
    onyx_tensor* out = nullptr;
    detail::check(onyx_kernel_context_output(c_, index, shape.data(), shape.size(), &out));
    return keep(out);
  }

  /// The node's attribute `name`, declared with that kind (else InvalidArgument or TypeMismatch).
  float attribute_float(const std::string& name) const {
    float out = 0;
    detail::check(onyx_kernel_context_attribute_float(c_, detail::checked(name, "attribute name"), &out));
    return out;
  }
  int64_t attribute_int(const std::string& name) const {
    int64_t out = 0;
    detail::check(onyx_kernel_context_attribute_int(c_, detail::checked(name, "attribute name"), &out));
    return out;
  }
  std::string attribute_string(const std::string& name) const {
    const char* out = nullptr;
    detail::check(onyx_kernel_context_attribute_string(c_, detail::checked(name, "attribute name"), &out));
    return out;
  }

 private:
  Tensor& keep(onyx_tensor* lent) {
    Tensor& slot = count_ < kInline ? inline_[count_] : more_.emplace_back();
    count_++;
    slot = Tensor(lent);
    return slot;
  }

  static constexpr size_t kInline = 4;
  onyx_kernel_context* c_;
  // The wrappers handed out: in place for the first few (a call allocates nothing), then
  // a deque, whose elements stay where they are as it grows (references stay valid).
  std::array<Tensor, kInline> inline_;
  std::deque<Tensor> more_;
  size_t count_ = 0;
};

/// A kernel: reads `context`'s inputs and attributes and fills its outputs. An
/// exception it throws fails the run: an onyx::Error keeps its code, any other is
/// KernelFailed with what(). Called on any thread, on several at once: be thread-safe.
using Kernel = std::function<void(KernelContext& context)>;

namespace detail {

/// A C++ kernel's trampoline from C (no exception may reach C).
inline onyx_status* kernel_call(void* user_data, onyx_kernel_context* c) noexcept {
  const Kernel& kernel = *static_cast<const Kernel*>(user_data);
  KernelContext context(c);
#if ONYX_HPP_CATCHES
  try {
    kernel(context);
  } catch (const Error& e) {
    return onyx_status_create(static_cast<uint32_t>(e.code()), e.what());
  } catch (const std::exception& e) {
    return onyx_status_create(ONYX_ERROR_KERNEL_FAILED, e.what());
  } catch (...) {
    return onyx_status_create(ONYX_ERROR_KERNEL_FAILED, "the kernel threw something that is not a std::exception");
  }
#else
  kernel(context);
#endif
  return nullptr;
}

inline void kernel_release(void* user_data) noexcept { delete static_cast<Kernel*>(user_data); }
}  // namespace detail

/**
 * An operator whose kernel is C++ code (onyx_operator): `domain`::`name` (a domain of
 * your own), with inputs and outputs of the given element types and the attributes
 * every node of it must have (read once per node at load: a node without one is
 * InvalidModel), for opset versions `since_version` to `until_version` (0: every later
 * one). The kernel is kept (and destroyed) with the operator and the sessions using it.
 */
class Operator : public detail::Handle<onyx_operator, onyx_operator_free> {
 public:
  Operator(const std::string& domain, const std::string& name, const std::vector<ElementType>& inputs,
           const std::vector<ElementType>& outputs, Kernel kernel,
           const std::vector<std::pair<std::string, AttributeKind>>& attributes = {}, int32_t since_version = 1,
           int32_t until_version = 0) {
    detail::ensure_abi();
    std::vector<uint32_t> in, out, kinds;
    for (ElementType t : inputs) in.push_back(static_cast<uint32_t>(t));
    for (ElementType t : outputs) out.push_back(static_cast<uint32_t>(t));
    std::vector<const char*> names;
    for (const auto& [attribute, kind] : attributes) {
      names.push_back(detail::checked(attribute, "attribute name"));
      kinds.push_back(static_cast<uint32_t>(kind));
    }
    auto owned = std::make_unique<Kernel>(std::move(kernel));
    onyx_operator* made = nullptr;
    detail::check(onyx_operator_create(detail::checked(domain, "operator domain"), detail::checked(name, "operator name"),
                                       since_version, until_version, in.data(), in.size(), out.data(), out.size(),
                                       names.data(), kinds.data(), names.size(), &detail::kernel_call, owned.get(),
                                       &detail::kernel_release, &made));
    owned.release();  // the C operator owns it now and frees it with kernel_release
    Handle::operator=(Handle(made));
  }
};

inline SessionOptions& SessionOptions::add_operator(const Operator& op) {
  return chain(onyx_session_options_add_operator(get(), op.get()));
}

/**
 * One run input: a name and a tensor, both borrowed for the call.
 *
 * Session::run only reads the tensor during the call, whichever way it is given. For
 * Session::run_async, a tensor given as an rvalue (a temporary, or `std::move(t)`) is
 * moved into the run, which keeps it until the run is over; one given as an lvalue
 * is borrowed and must stay alive and unchanged until the run is over.
 */
struct Input {
  /// Model input `input_name` takes `value` (borrowed).
  Input(Name input_name, const Tensor& value) noexcept : name(input_name), tensor(&value) {}
  /// Model input `input_name` takes `value`; run_async moves it into the run, run
  /// only reads it (it is not moved from).
  Input(Name input_name, Tensor&& value) noexcept : name(input_name), tensor(&value), movable(&value) {}
  Name name;                  ///< The model input's name.
  const Tensor* tensor;       ///< Its value.
  Tensor* movable = nullptr;  ///< The same tensor when given as an rvalue: run_async takes it.
};

/// One run_into output: the name of a model output and the caller's tensor that
/// receives it (same element type and shape), both borrowed for the call.
struct Output {
  /// Model output `output_name` goes into `target`.
  Output(Name output_name, Tensor& target) noexcept : name(output_name), tensor(&target) {}
  Name name;       ///< The model output's name.
  Tensor* tensor;  ///< Where it is written.
};

/**
 * A run's outputs: the tensors (RunOutputs, from Session::run) or the values
 * (ValueOutputs, from Session::run_values), in the order asked for (model order when
 * no output names were given), each with its output name. Owns them; move one out
 * with `std::move(outputs[i])` to keep it. Iterating gives the tensors or values.
 */
template <typename T>
class BasicRunOutputs {
 public:
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  /// No outputs.
  BasicRunOutputs() = default;
  /// `outputs[i]` is output `names[i]` (the same number of each).
  BasicRunOutputs(std::vector<T> outputs, std::vector<std::string> names) noexcept
      : outputs_(std::move(outputs)), names_(std::move(names)) {}

  /// Number of outputs.
  size_t size() const noexcept { return outputs_.size(); }
  /// True when there are none.
  bool empty() const noexcept { return outputs_.empty(); }
  /// Output `index` (unchecked, as std::vector's []).
  T& operator[](size_t index) noexcept { return outputs_[index]; }
  /// Output `index` (unchecked, as std::vector's []).
  const T& operator[](size_t index) const noexcept { return outputs_[index]; }
  /// The output called `name`; UnknownOutput when this run did not produce it.
  T& at(std::string_view name) { return outputs_[index_of(name)]; }
  /// The output called `name`; UnknownOutput when this run did not produce it.
  const T& at(std::string_view name) const { return outputs_[index_of(name)]; }
  /// The name of output `index` (unchecked).
  const std::string& name(size_t index) const noexcept { return names_[index]; }
  /// The output names, in the order of the outputs.
  const std::vector<std::string>& names() const noexcept { return names_; }

  iterator begin() noexcept { return outputs_.begin(); }
  iterator end() noexcept { return outputs_.end(); }
  const_iterator begin() const noexcept { return outputs_.begin(); }
  const_iterator end() const noexcept { return outputs_.end(); }

 private:
  size_t index_of(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) {
        return i;
      }
    }
    // Core's wording (RunOutputs::get): the C ABI hands back the outputs alone.
    std::string message = "the run has no output named '" + std::string(name) + "'; it produced: ";
    for (size_t i = 0; i < names_.size(); ++i) {
      message += (i != 0 ? ", " : "") + names_[i];
    }
    detail::fail(ErrorCode::UnknownOutput, message.c_str());
  }

  std::vector<T> outputs_;
  std::vector<std::string> names_;
};

/// The tensors of Session::run (see BasicRunOutputs).
using RunOutputs = BasicRunOutputs<Tensor>;
/// The values of Session::run_values (see BasicRunOutputs).
using ValueOutputs = BasicRunOutputs<Value>;

/**
 * One run_values input: a name and a value, both borrowed for the call. An absent
 * optional is the same as leaving the input out.
 */
struct ValueInput {
  /// Model input `input_name` takes `input_value` (borrowed; read during the call only).
  ValueInput(Name input_name, const Value& input_value) noexcept : name(input_name), value(&input_value) {}
  Name name;           ///< The model input's name.
  const Value* value;  ///< Its value.
};

// ---------------------------------------------------------------------------------
// Run options
// ---------------------------------------------------------------------------------

/**
 * Per-run settings (onyx_run_options): a log tag and a terminate switch.
 * terminate() and reset_terminate() may be called from any thread while runs use
 * the options; set_tag needs exclusive use. Do not destroy them during a run.
 */
class RunOptions : public detail::Handle<onyx_run_options, onyx_run_options_free> {
 public:
  /// New run options.
  RunOptions() : Handle(detail::created(onyx_run_options_create)) {}
  /// An empty object (no C handle).
  explicit RunOptions(std::nullptr_t) noexcept {}
  /// Takes ownership of a C handle.
  explicit RunOptions(onyx_run_options* owned) noexcept : Handle(owned) {}

  /// Adds a raw ONNX Runtime run config entry (onnxruntime_run_options_config_keys.h,
  /// e.g. "memory.enable_memory_arena_shrinkage" = "cpu:0"); a value ONNX Runtime refuses
  /// fails the run with InvalidArgument. Needs exclusive use, like set_tag.
  RunOptions& add_config_entry(const std::string& key, const std::string& value) {
    detail::check(onyx_run_options_add_config_entry(get(), detail::checked(key, "run config key"),
                                                    detail::checked(value, ("run config entry '" + key + "' value").c_str())));
    return *this;
  }
  /// Tags the log lines of runs that use these options.
  RunOptions& set_tag(const std::string& tag) {
    detail::check(onyx_run_options_set_tag(get(), detail::checked(tag, "run tag")));
    return *this;
  }
  /// The tag set with set_tag ("" if none), read from core. Valid until the tag is
  /// set again or the options are destroyed.
  std::string_view tag() const noexcept { return onyx_run_options_tag(get()); }
  /// Stops runs in progress with these options (they fail with ErrorCode::Cancelled
  /// within milliseconds), and later ones until reset_terminate(). Any thread.
  void terminate() const { detail::check(onyx_run_options_terminate(get())); }
  /// Lets runs with these options proceed again. Any thread.
  void reset_terminate() const { detail::check(onyx_run_options_reset_terminate(get())); }
};

// ---------------------------------------------------------------------------------
// Asynchronous runs
// ---------------------------------------------------------------------------------

namespace detail {

/// What one asynchronous run shares with its C callback (which holds one reference,
/// given as user_data): the promise, the output names for RunOutputs, and the input
/// tensors moved into the run.
struct AsyncState {
  std::promise<RunOutputs> promise;
  std::vector<std::string> output_names;
  std::vector<Tensor> inputs;
#ifdef ONYX_NO_EXCEPTIONS
  // Without exceptions the future gets empty outputs and the error waits here for
  // AsyncRun::get (written before the promise is set, read after the future is).
  bool failed = false;
  ErrorCode code{};
  std::string message;
#endif
};

/// The onyx_run_callback of Session::run_async, on one of Onyx's worker threads:
/// settles the promise, lets nothing escape into C, frees what C handed over.
inline void async_run_done(void* user_data, onyx_status* status, onyx_tensor* const* outputs, size_t count) noexcept {
  const std::unique_ptr<std::shared_ptr<AsyncState>> reference(static_cast<std::shared_ptr<AsyncState>*>(user_data));
  const StatusOwner owned_status{status};
  AsyncState& state = **reference;
  state.inputs.clear();  // the run is over: the tensors moved into it go before the result is delivered
#if ONYX_HPP_CATCHES
  try {
#endif
    if (status != nullptr) {
      const auto code = static_cast<ErrorCode>(onyx_status_code(status));
#ifdef ONYX_NO_EXCEPTIONS
      state.failed = true;
      state.code = code;
      state.message = str(onyx_status_message(status));
      state.promise.set_value(RunOutputs());
#else
      state.promise.set_exception(std::make_exception_ptr(Error(code, str(onyx_status_message(status)))));
#endif
      return;
    }
    std::vector<Tensor> tensors;
#if ONYX_HPP_CATCHES
    try {
      tensors.reserve(count);
    } catch (...) {
      for (size_t i = 0; i < count; ++i) onyx_tensor_free(outputs[i]);
      throw;
    }
#else
    tensors.reserve(count);
#endif
    for (size_t i = 0; i < count; ++i) tensors.emplace_back(outputs[i]);  // owned at once, no allocation
    state.promise.set_value(RunOutputs(std::move(tensors), std::move(state.output_names)));
#if ONYX_HPP_CATCHES
  } catch (...) {
    // Out of memory while delivering: the run fails with that exception instead.
    try {
      state.promise.set_exception(std::current_exception());
    } catch (...) {
      // The promise is already satisfied: nothing left to tell.
    }
  }
#endif
}

}  // namespace detail

/**
 * An asynchronous run (onyx_async_run), returned by Session::run_async: the run
 * goes on on Onyx's worker threads while the caller does something else, and its
 * outputs or its error arrive in a std::future. Move-only.
 *
 * get() waits and returns the outputs, or throws the run's onyx::Error, with the
 * same code a synchronous run would give (a bad input included: starting the run
 * does not check it); a cancelled run throws onyx::Error with ErrorCode::Cancelled.
 *
 * Destroying an AsyncRun neither waits for the run nor cancels it: the run goes on
 * and its outputs are freed when it is over. The Session may be destroyed while
 * its runs are in flight: they keep what they need.
 *
 * Threads: cancel() may be called from any thread, also while another waits in
 * get(); get(), wait() and wait_for() are for one thread at a time (as
 * std::future's; share() the future() to wait from several).
 */
class AsyncRun : public detail::Handle<onyx_async_run, onyx_async_run_free> {
 public:
  /// An empty object: no run.
  AsyncRun() noexcept = default;

  /// Waits for the run and returns its outputs, or fails with its error
  /// (ErrorCode::Cancelled after a timely cancel()). Once only: afterwards, and for
  /// an empty object, NullPointer.
  RunOutputs get() {
    if (!future_.valid()) {
      detail::fail(ErrorCode::NullPointer, "the asynchronous run has no result to give (empty, moved from, or already taken)");
    }
    RunOutputs outputs = future_.get();
#ifdef ONYX_NO_EXCEPTIONS
    if (state_->failed) detail::fail(state_->code, state_->message.c_str());
#endif
    return outputs;
  }
  /// Waits until the run is over. An object with nothing to wait for (see
  /// valid()) returns at once.
  void wait() const {
    if (future_.valid()) future_.wait();
  }
  /// Waits until the run is over or `timeout` has passed: std::future_status::ready
  /// or timeout (deferred never happens). Ready at once when there is nothing to
  /// wait for (see valid()).
  template <typename Rep, typename Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& timeout) const {
    return future_.valid() ? future_.wait_for(timeout) : std::future_status::ready;
  }
  /// True while get() may be called (false for an empty object or once it has been).
  bool valid() const noexcept { return future_.valid(); }

  /**
   * Cancels the run, from any thread: returns true when the run will complete as
   * ErrorCode::Cancelled (whether it had started or not), false when its result
   * was already decided (get() then gives it). Cancelling one run never stops
   * another. NullPointer for an empty object.
   */
  bool cancel() const {
    bool cancelled = false;
    detail::check(onyx_async_run_cancel(handle(), &cancelled));
    return cancelled;
  }

  /**
   * The std::future of the outputs, for code that composes futures (move it out, or
   * share() it). Taking it leaves get(), wait() and wait_for() nothing to wait for;
   * cancel() still works. With ONYX_NO_EXCEPTIONS a failed run gives empty outputs
   * through the future: use get() to reach the error.
   */
  std::future<RunOutputs>& future() noexcept { return future_; }

  /// The C handle, still owned by this object (get() here is the future's: the
  /// outputs). release() gives it up, as for every handle class.
  onyx_async_run* handle() const noexcept { return Handle::get(); }

 private:
  friend class Session;
#ifdef ONYX_NO_EXCEPTIONS
  AsyncRun(onyx_async_run* owned, std::future<RunOutputs> future, std::shared_ptr<detail::AsyncState> state) noexcept
      : Handle(owned), future_(std::move(future)), state_(std::move(state)) {}
#else
  AsyncRun(onyx_async_run* owned, std::future<RunOutputs> future, std::shared_ptr<detail::AsyncState>) noexcept
      : Handle(owned), future_(std::move(future)) {}
#endif

  std::future<RunOutputs> future_;
#ifdef ONYX_NO_EXCEPTIONS
  std::shared_ptr<detail::AsyncState> state_;
#endif
};

// ---------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------

namespace detail {

/// A few pointers on the stack, more on the heap: runs do not allocate for the
/// usual handful of inputs and outputs.
template <typename T>
class SmallArray {
 public:
  explicit SmallArray(size_t size) : size_(size) {
    if (size > inline_.size()) {
      heap_.resize(size);
    }
  }
  T* data() noexcept { return size_ > inline_.size() ? heap_.data() : inline_.data(); }
  T& operator[](size_t index) noexcept { return data()[index]; }

 private:
  size_t size_;
  std::array<T, 8> inline_{};
  std::vector<T> heap_;
};

inline ValueInfo value_info(const onyx_value_info* info) {
  ValueInfo out;
  out.name = str(onyx_value_info_name(info));
  out.kind = static_cast<ValueKind>(onyx_value_info_kind(info));
  if (const uint32_t type = onyx_value_info_element_type(info); type != 0) {
    out.element_type = static_cast<ElementType>(type);
  }
  const size_t rank = onyx_value_info_rank(info);
  const int64_t* shape = onyx_value_info_shape(info);
  if (shape != nullptr) {
    out.shape.assign(shape, shape + rank);
  }
  out.dim_names.reserve(rank);
  for (size_t d = 0; d < rank; ++d) {
    out.dim_names.emplace_back(str(onyx_value_info_dim_name(info, d)));
  }
  out.value_type = ValueType::from_c(onyx_value_info_type(info));
  return out;
}

}  // namespace detail

/**
 * A loaded model (onyx_session). Any number of threads may use one session at
 * once (runs and introspection; concurrent runs proceed in parallel). Destroying
 * it while another thread uses it is undefined: join those threads first.
 * Asynchronous runs (run_async) in flight are not such a use: they keep what they
 * need, and the model is released when the last one is over.
 */
class Session : public detail::Handle<onyx_session, onyx_session_free> {
 public:
  /// An empty session (no C handle); see from_file and from_bytes.
  Session() noexcept = default;
  /// Takes ownership of a C handle.
  explicit Session(onyx_session* owned) noexcept : Handle(owned) {}

  /**
   * Loads a model file with default options. Fails with ModelNotFound,
   * InvalidModel, InvalidUtf8, ExecutionProviderUnavailable or RuntimeLoadFailed.
   */
  static Session from_file(const std::string& path) { return create_from_file(path, nullptr); }
  /// Loads a model file with `options`.
  static Session from_file(const std::string& path, const SessionOptions& options) {
    return create_from_file(path, options.get() != nullptr ? options.get() : null_options());
  }

  /// Loads a model from its bytes (only read during the call), default options.
  static Session from_bytes(const void* data, size_t length) { return create_from_bytes(data, length, nullptr); }
  /// Loads a model from its bytes with `options`.
  static Session from_bytes(const void* data, size_t length, const SessionOptions& options) {
    return create_from_bytes(data, length, options.get() != nullptr ? options.get() : null_options());
  }
  /// Loads a model from its bytes, default options.
  static Session from_bytes(Span<const uint8_t> bytes) { return from_bytes(bytes.data(), bytes.size()); }
  /// Loads a model from its bytes with `options`.
  static Session from_bytes(Span<const uint8_t> bytes, const SessionOptions& options) {
    return from_bytes(bytes.data(), bytes.size(), options);
  }

  /// Number of model inputs (0 for an empty session).
  size_t input_count() const noexcept { return onyx_session_input_count(get()); }
  /// Number of model outputs (0 for an empty session).
  size_t output_count() const noexcept { return onyx_session_output_count(get()); }
  /// Input `index`; past the end, core's IndexOutOfRange ("input index 1 is out of
  /// range: the model has 1 input"); NullPointer for an empty session.
  ValueInfo input(size_t index) const {
    const onyx_value_info* info = nullptr;
    detail::check(onyx_session_input_info(get(), index, &info));
    return detail::value_info(info);
  }
  /// Output `index`; IndexOutOfRange past the end, as input(index).
  ValueInfo output(size_t index) const {
    const onyx_value_info* info = nullptr;
    detail::check(onyx_session_output_info(get(), index, &info));
    return detail::value_info(info);
  }
  /// All inputs, in model order.
  std::vector<ValueInfo> inputs() const {
    std::vector<ValueInfo> out;
    for (size_t i = 0, n = input_count(); i < n; ++i) {
      out.push_back(input(i));
    }
    return out;
  }
  /// All outputs, in model order.
  std::vector<ValueInfo> outputs() const {
    std::vector<ValueInfo> out;
    for (size_t i = 0, n = output_count(); i < n; ++i) {
      out.push_back(output(i));
    }
    return out;
  }
  /// The model's metadata.
  /// Ends profiling (SessionOptions::enable_profiling) and returns the JSON profile's
  /// path; InvalidArgument when profiling is not enabled. Later runs are not profiled.
  std::string end_profiling() const {
    const char* path = nullptr;
    detail::check(onyx_session_end_profiling(get(), &path));
    return path;
  }
  ModelMetadata metadata() const {
    const onyx_model_metadata* meta = onyx_session_metadata(get());
    if (meta == nullptr) {
      detail::fail(ErrorCode::NullPointer, "session is empty (moved from or released)");
    }
    ModelMetadata out;
    out.producer = detail::str(onyx_model_metadata_producer(meta));
    out.graph_name = detail::str(onyx_model_metadata_graph_name(meta));
    out.domain = detail::str(onyx_model_metadata_domain(meta));
    out.description = detail::str(onyx_model_metadata_description(meta));
    out.graph_description = detail::str(onyx_model_metadata_graph_description(meta));
    int64_t version = 0;
    if (onyx_model_metadata_version(meta, &version)) {
      out.version = version;
    }
    for (size_t i = 0, n = onyx_model_metadata_custom_count(meta); i < n; ++i) {
      const char* key = onyx_model_metadata_custom_key(meta, i);
      if (key != nullptr) {
        out.custom.emplace(key, detail::str(onyx_model_metadata_custom_value(meta, key)));
      }
    }
    return out;
  }

  /**
   * Runs the model. `inputs` gives every model input by name, e.g.
   * `session.run({{"input", tensor}})`. Returns the outputs named in
   * `output_names`, in that order, or all outputs in model order when it is empty.
   * Fails, before ONNX Runtime sees anything, with UnknownInput, MissingInput,
   * TypeMismatch, RankMismatch, ShapeMismatch or UnknownOutput. The session stays
   * usable after any error. Any number of threads may run one session at once.
   */
  RunOutputs run(Span<const Input> inputs, Span<const Name> output_names = {}) const {
    return run_impl(nullptr, inputs, output_names);
  }
  /// As run(inputs, output_names), with run options: a terminated run fails with
  /// ErrorCode::Cancelled.
  RunOutputs run(const RunOptions& options, Span<const Input> inputs, Span<const Name> output_names = {}) const {
    return run_impl(run_options(options), inputs, output_names);
  }

  /**
   * Runs the model on values of any kind (onyx_session_run_values): tensors (numbers
   * or strings), sequences, maps, optionals, e.g.
   * `session.run_values({{"text", onyx::Value::tensor(onyx::Tensor::from_strings({1, 1}, {"hi"}))}})`.
   * Returns every kind of output, named as in run(). A plain tensor input is passed
   * without a copy; ONNX Runtime copies sequences, maps and strings. An absent
   * optional is the same as leaving the input out (MissingInput when the model
   * requires it). The same checks and errors as run().
   */
  ValueOutputs run_values(Span<const ValueInput> inputs, Span<const Name> output_names = {}) const {
    return run_values_impl(nullptr, inputs, output_names);
  }
  /// As run_values(inputs, output_names), with run options.
  ValueOutputs run_values(const RunOptions& options, Span<const ValueInput> inputs, Span<const Name> output_names = {}) const {
    return run_values_impl(run_options(options), inputs, output_names);
  }

  /**
   * Runs the model writing each output into the caller's tensor, with no
   * allocation and no copy: `outputs` names model outputs and the tensors, of that
   * output's element type and shape (TypeMismatch, RankMismatch, ShapeMismatch
   * otherwise), that receive them; a borrowed tensor writes into your own buffer.
   * An output tensor must not be used by another thread during the run, nor be
   * one of the run's inputs or another of its outputs (core's InvalidArgument).
   */
  void run_into(Span<const Input> inputs, Span<const Output> outputs) const { run_into_impl(nullptr, inputs, outputs); }
  /// As run_into(inputs, outputs), with run options.
  void run_into(const RunOptions& options, Span<const Input> inputs, Span<const Output> outputs) const {
    run_into_impl(run_options(options), inputs, outputs);
  }

  /**
   * Starts a run on Onyx's worker threads and returns at once
   * (onyx_session_run_async): the same inputs and output names as run(), the
   * outputs or the error in the returned AsyncRun (get(), wait(), cancel()).
   * Every mistake a run can make, a bad input included, is the AsyncRun's error,
   * never thrown here; this throws only for what C++ cannot hand to C (an empty
   * session or tensor is NullPointer, a name holding a NUL InvalidArgument).
   *
   * Input tensors: one given as an rvalue (`{{"input", std::move(tensor)}}`, or a
   * temporary) is moved into the run, which frees it when the run is over; one
   * given as an lvalue is borrowed and must stay alive and unchanged until the run
   * is over (get() or wait() has returned). The memory of a Tensor::borrow tensor
   * is always the caller's to keep alive. Names are copied here. The session may
   * be destroyed while the run is in flight.
   */
  AsyncRun run_async(Span<const Input> inputs, Span<const Name> output_names = {}) const {
    return run_async_impl(nullptr, inputs, output_names);
  }
  /**
   * As run_async(inputs, output_names), with run options: the run takes its own
   * copy (tag, config entries), so `options` may be destroyed at once;
   * RunOptions::terminate() on them also cancels this run (ErrorCode::Cancelled).
   */
  AsyncRun run_async(const RunOptions& options, Span<const Input> inputs, Span<const Name> output_names = {}) const {
    return run_async_impl(run_options(options), inputs, output_names);
  }

 private:
  // An empty SessionOptions/RunOptions object passed on purpose is a NullPointer
  // error, as in C; only "no options" overloads pass NULL to mean defaults.
  static const onyx_session_options* null_options() {
    detail::fail(ErrorCode::NullPointer, "session options are empty (moved from or released)");
  }
  static const onyx_run_options* run_options(const RunOptions& options) {
    if (options.get() == nullptr) {
      detail::fail(ErrorCode::NullPointer, "run options are empty (moved from or released)");
    }
    return options.get();
  }

  static Session create_from_file(const std::string& path, const onyx_session_options* options) {
    detail::ensure_abi();
    onyx_session* out = nullptr;
    detail::check(onyx_session_create_from_file(detail::checked(path, "model path"), options, &out));
    return Session(out);
  }
  static Session create_from_bytes(const void* data, size_t length, const onyx_session_options* options) {
    detail::ensure_abi();
    onyx_session* out = nullptr;
    detail::check(onyx_session_create_from_bytes(static_cast<const uint8_t*>(data), length, options, &out));
    return Session(out);
  }

  struct RawInputs {
    explicit RawInputs(Span<const Input> inputs) : names(inputs.size()), tensors(inputs.size()) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        names[i] = inputs[i].name.c_str("input name");
        tensors[i] = inputs[i].tensor->get();
      }
    }
    detail::SmallArray<const char*> names;
    detail::SmallArray<const onyx_tensor*> tensors;
  };

  /// The C names of the `count` outputs a run asks for: `output_names`, or (when it is
  /// empty) every output in model order.
  void output_c_names(Span<const Name> output_names, detail::SmallArray<const char*>& names, size_t count) const {
    for (size_t i = 0; i < count; ++i) {
      if (!output_names.empty()) {
        names[i] = output_names[i].c_str("output name");
      } else {
        const onyx_value_info* info = nullptr;
        detail::check(onyx_session_output_info(get(), i, &info));
        names[i] = onyx_value_info_name(info);
      }
    }
  }

  RunOutputs run_impl(const onyx_run_options* options, Span<const Input> inputs, Span<const Name> output_names) const {
    RawInputs raw(inputs);
    const size_t count = output_names.empty() ? output_count() : output_names.size();
    detail::SmallArray<const char*> names(count);
    output_c_names(output_names, names, count);
    // Every allocation the tensors need happens before the C call, so the tensors
    // it returns are owned at once and never leak.
    std::vector<Tensor> tensors;
    tensors.reserve(count);
    std::vector<std::string> kept_names;
    kept_names.reserve(count);
    detail::SmallArray<onyx_tensor*> outputs(count);
    detail::check(onyx_session_run(get(), options, raw.names.data(), raw.tensors.data(), inputs.size(),
                                   output_names.empty() ? nullptr : names.data(), count, outputs.data()));
    for (size_t i = 0; i < count; ++i) {
      tensors.emplace_back(outputs[i]);
    }
    for (size_t i = 0; i < count; ++i) {
      kept_names.emplace_back(detail::str(names[i]));
    }
    return RunOutputs(std::move(tensors), std::move(kept_names));
  }

  ValueOutputs run_values_impl(const onyx_run_options* options, Span<const ValueInput> inputs,
                               Span<const Name> output_names) const {
    detail::SmallArray<const char*> input_names(inputs.size());
    detail::SmallArray<const onyx_value*> values(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      input_names[i] = inputs[i].name.c_str("input name");
      values[i] = inputs[i].value->get();
    }
    const size_t count = output_names.empty() ? output_count() : output_names.size();
    detail::SmallArray<const char*> names(count);
    output_c_names(output_names, names, count);
    std::vector<std::string> kept_names;
    kept_names.reserve(count);
    for (size_t i = 0; i < count; ++i) kept_names.emplace_back(detail::str(names[i]));
    // Every allocation before the C call, so the values it returns are owned at once.
    std::vector<Value> outputs;
    outputs.reserve(count);
    std::vector<detail::Handle<onyx_value, onyx_value_free>> owned;
    owned.reserve(count);
    detail::SmallArray<onyx_value*> raw(count);
    detail::check(onyx_session_run_values(get(), options, input_names.data(), values.data(), inputs.size(),
                                          output_names.empty() ? nullptr : names.data(), count, raw.data()));
    for (size_t i = 0; i < count; ++i) owned.emplace_back(raw[i]);
    for (size_t i = 0; i < count; ++i) outputs.emplace_back(owned[i].release());
    return ValueOutputs(std::move(outputs), std::move(kept_names));
  }

  AsyncRun run_async_impl(const onyx_run_options* options, Span<const Input> inputs, Span<const Name> output_names) const {
    RawInputs raw(inputs);
    auto state = std::make_shared<detail::AsyncState>();
    const size_t count = output_names.empty() ? output_count() : output_names.size();
    detail::SmallArray<const char*> names(count);
    output_c_names(output_names, names, count);
    state->output_names.reserve(count);
    for (size_t i = 0; i < count; ++i) state->output_names.emplace_back(detail::str(names[i]));
    std::future<RunOutputs> future = state->promise.get_future();
    // Everything that can throw happens before the tensors move, so a failure here
    // leaves the caller's tensors where they were.
    size_t moved = 0;
    for (size_t i = 0; i < inputs.size(); ++i) moved += inputs[i].movable != nullptr ? 1 : 0;
    state->inputs.reserve(moved);
    auto reference = std::make_unique<std::shared_ptr<detail::AsyncState>>(state);
    for (size_t i = 0; i < inputs.size(); ++i) {
      // raw already holds the C pointer, which the move keeps (a tensor given twice
      // is moved once; the second move carries an empty handle).
      if (inputs[i].movable != nullptr) state->inputs.push_back(std::move(*inputs[i].movable));
    }
    onyx_async_run* run = nullptr;
    onyx_status* status =
        onyx_session_run_async(get(), options, raw.names.data(), raw.tensors.data(), inputs.size(),
                               output_names.empty() ? nullptr : names.data(), count, &detail::async_run_done,
                               reference.get(), &run);
    if (status != nullptr) {
      // Refused at the call: the callback will never run. The tensors go back.
      for (size_t i = inputs.size(), j = moved; i-- > 0;) {
        if (inputs[i].movable != nullptr) *inputs[i].movable = std::move(state->inputs[--j]);
      }
      detail::fail(status);
    }
    (void)reference.release();  // the callback's now: it may already have run and freed it
    return AsyncRun(run, std::move(future), std::move(state));
  }

  void run_into_impl(const onyx_run_options* options, Span<const Input> inputs, Span<const Output> outputs) const {
    RawInputs raw(inputs);
    detail::SmallArray<const char*> names(outputs.size());
    detail::SmallArray<onyx_tensor*> tensors(outputs.size());
    for (size_t i = 0; i < outputs.size(); ++i) {
      names[i] = outputs[i].name.c_str("output name");
      tensors[i] = outputs[i].tensor->get();
    }
    detail::check(onyx_session_run_into(get(), options, raw.names.data(), raw.tensors.data(), inputs.size(), names.data(),
                                        outputs.size(), tensors.data()));
  }
};

}  // namespace onyx

#endif  // ONYX_HPP
