// Tests of the value API of onyx.hpp: string tensors, sequences, maps and optionals
// (builders, views, ownership, errors with core's codes), full ONNX types in
// introspection, and run_values on the scikit-learn case folders of the shared suite
// (tests/suite/fixtures/sklearn/{classifier,text}). Expected values come from those
// folders (ONNX Runtime's Python binding wrote them) or from ONNX itself (type
// notation), never from the code under test.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "case_folder.hpp"
#include "suite.hpp"

namespace {

static_assert(!std::is_copy_constructible_v<onyx::Value> && !std::is_copy_assignable_v<onyx::Value>);
static_assert(std::is_nothrow_move_constructible_v<onyx::Value> && std::is_nothrow_move_assignable_v<onyx::Value>);
static_assert(std::is_copy_constructible_v<onyx::ValueType>);

std::string sklearn(const std::string& name) { return suite::spec().path("fixtures/sklearn/" + name); }

/// The error code `f` fails with (a test failure when it succeeds).
template <typename F>
onyx::ErrorCode code_of(F&& f) {
  try {
    f();
  } catch (const onyx::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return onyx::ErrorCode::Panic;
}

onyx::Tensor int64s(std::vector<int64_t> v) { return onyx::Tensor::copy({static_cast<int64_t>(v.size())}, v); }
onyx::Tensor floats(std::vector<float> v) { return onyx::Tensor::copy({static_cast<int64_t>(v.size())}, v); }

/// The `<value>` tokens of the case.txt line starting with `prefix` ("input input", ...).
std::string tokens_of(const std::string& dir, const std::string& prefix) {
  const std::vector<uint8_t> bytes = suite::read_file(dir + "/case.txt");
  std::istringstream lines(std::string(bytes.begin(), bytes.end()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix + " ", 0) == 0) return line.substr(prefix.size() + 1);
  }
  throw std::runtime_error("no line '" + prefix + "' in " + dir + "/case.txt");
}

// --- string tensors ----------------------------------------------------------------

TEST(StringTensors, FromStringsCopiesAndStringsGivesThemBack) {
  std::vector<std::string> words = {"cat", "", std::string("nul\0inside", 10), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"};
  const onyx::Tensor t = onyx::Tensor::from_strings({2, 2}, words);
  const std::vector<std::string> expected = words;
  words.assign(4, "changed");  // copied: the tensor does not see this
  EXPECT_EQ(t.element_type(), onyx::ElementType::String);
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t.element_count(), 4u);
  EXPECT_EQ(t.strings(), expected);
  EXPECT_EQ(t.string(2), std::string_view(expected[2]));
  EXPECT_EQ(t.string(2).size(), 10u);
  const std::string_view views[] = {"a", "b"};
  EXPECT_EQ(onyx::Tensor::from_strings({2}, views, 2).strings(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(onyx::Tensor::from_strings({0}, std::vector<std::string>{}).strings().empty());
}

TEST(StringTensors, CoreChecksUtf8CountsTypesAndIndices) {
  EXPECT_EQ(code_of([] { onyx::Tensor::from_strings({2}, {"ok", "\xff\xfe"}); }), onyx::ErrorCode::InvalidUtf8);
  try {
    onyx::Tensor::from_strings({2}, {"ok", "\xc3"});
  } catch (const onyx::Error& e) {
    EXPECT_NE(std::string(e.what()).find('1'), std::string::npos) << "names the element: " << e.what();
  }
  EXPECT_EQ(code_of([] { onyx::Tensor::from_strings({3}, {"one", "two"}); }), onyx::ErrorCode::BufferSizeMismatch);
  const onyx::Tensor numbers = floats({1, 2});
  EXPECT_EQ(code_of([&] { (void)numbers.strings(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([&] { (void)numbers.string(0); }), onyx::ErrorCode::TypeMismatch);
  const onyx::Tensor words = onyx::Tensor::from_strings({1}, {"x"});
  EXPECT_EQ(code_of([&] { (void)words.string(1); }), onyx::ErrorCode::IndexOutOfRange);
  EXPECT_EQ(code_of([&] { (void)words.values<float>(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([] { (void)onyx::Tensor().strings(); }), onyx::ErrorCode::NullPointer);
}

// --- values ------------------------------------------------------------------------

TEST(Values, TensorValueTakesTheTensorWithoutACopy) {
  onyx::Tensor t = floats({1, 2, 3});
  const void* data = t.data();
  const onyx::Value v = onyx::Value::tensor(std::move(t));
  EXPECT_FALSE(t);  // NOLINT(bugprone-use-after-move): taken
  EXPECT_EQ(v.kind(), onyx::ValueKind::Tensor);
  EXPECT_EQ(v.size(), 1u);
  EXPECT_EQ(v.tensor().data(), data);
  EXPECT_EQ(v.tensor().to_vector<float>(), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(code_of([&] { (void)v.items(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([&] { (void)v.keys(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([&] { (void)v.to_map<int64_t, float>(); }), onyx::ErrorCode::TypeMismatch);
}

TEST(Values, SequenceHoldsItsItemsAsViewsThatSurviveAMove) {
  std::vector<onyx::Value> items;
  items.push_back(onyx::Value::tensor(floats({1})));
  items.push_back(onyx::Value::tensor(floats({2, 3})));
  onyx::Value sequence = onyx::Value::sequence(std::move(items));
  EXPECT_TRUE(items.empty());
  EXPECT_EQ(sequence.kind(), onyx::ValueKind::Sequence);
  EXPECT_EQ(sequence.size(), 2u);
  const onyx::Value& second = sequence.items().at(1);
  const onyx::Value moved = std::move(sequence);
  EXPECT_FALSE(sequence);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(&moved.items().at(1), &second);
  EXPECT_EQ(second.tensor().to_vector<float>(), (std::vector<float>{2, 3}));
  EXPECT_EQ(moved.item(0).tensor().to_vector<float>(), (std::vector<float>{1}));
  EXPECT_EQ(code_of([&] { (void)moved.item(2); }), onyx::ErrorCode::IndexOutOfRange);
  EXPECT_EQ(code_of([&] { (void)moved.tensor(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(onyx::Value::sequence({}).size(), 0u);
}

TEST(Values, MixedSequenceIsTypeMismatchAndTakesItsItems) {
  std::vector<onyx::Value> items;
  items.push_back(onyx::Value::tensor(floats({1})));
  items.push_back(onyx::Value::tensor(int64s({1})));
  try {
    onyx::Value::sequence(std::move(items));
    FAIL() << "a mixed sequence was made";
  } catch (const onyx::Error& e) {
    EXPECT_EQ(e.code(), onyx::ErrorCode::TypeMismatch) << e.what();
    EXPECT_NE(std::string(e.what()).find("item 1"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(items.empty());
}

TEST(Values, MapsAndTheirStdMapCopies) {
  const onyx::Value by_id = onyx::Value::map(int64s({7, 3}), floats({0.25f, 0.75f}));
  EXPECT_EQ(by_id.kind(), onyx::ValueKind::Map);
  EXPECT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id.keys().to_vector<int64_t>(), (std::vector<int64_t>{7, 3}));  // the map's own order
  EXPECT_EQ(by_id.values().to_vector<float>(), (std::vector<float>{0.25f, 0.75f}));
  EXPECT_EQ((by_id.to_map<int64_t, float>()), (std::map<int64_t, float>{{3, 0.75f}, {7, 0.25f}}));
  EXPECT_EQ(code_of([&] { (void)by_id.to_map<std::string, float>(); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([&] { (void)by_id.to_map<int64_t, double>(); }), onyx::ErrorCode::TypeMismatch);

  const onyx::Value by_name = onyx::Value::map(onyx::Tensor::from_strings({2}, {"dog", "cat"}), int64s({1, 2}));
  EXPECT_EQ((by_name.to_map<std::string, int64_t>()), (std::map<std::string, int64_t>{{"cat", 2}, {"dog", 1}}));
  EXPECT_EQ(code_of([&] { (void)by_name.items(); }), onyx::ErrorCode::TypeMismatch);
}

TEST(Values, MapWithMismatchedCountsIsInvalidArgumentAndTakesBothTensors) {
  onyx::Tensor keys = int64s({1, 2, 3});
  onyx::Tensor values = floats({1});
  EXPECT_EQ(code_of([&] { onyx::Value::map(std::move(keys), std::move(values)); }), onyx::ErrorCode::InvalidArgument);
  EXPECT_FALSE(keys);
  EXPECT_FALSE(values);
}

TEST(Values, OptionalsPresentAndAbsent) {
  const onyx::Value present = onyx::Value::optional(onyx::Value::tensor(floats({4})));
  EXPECT_EQ(present.kind(), onyx::ValueKind::Optional);
  EXPECT_TRUE(present.has_value());
  EXPECT_EQ(present.size(), 1u);
  EXPECT_EQ(present.item().tensor().to_vector<float>(), (std::vector<float>{4}));
  const onyx::Value absent = onyx::Value::optional();
  EXPECT_EQ(absent.kind(), onyx::ValueKind::Optional);
  EXPECT_FALSE(absent.has_value());
  EXPECT_EQ(absent.size(), 0u);
  EXPECT_TRUE(absent.items().empty());
  EXPECT_EQ(code_of([&] { (void)absent.item(); }), onyx::ErrorCode::IndexOutOfRange);
  EXPECT_EQ(onyx::Value::optional(std::nullopt).kind(), onyx::ValueKind::Optional);
}

TEST(Values, EmptyValuesAndReleasedHandles) {
  const onyx::Value empty;
  EXPECT_FALSE(empty);
  EXPECT_EQ(empty.kind(), onyx::ValueKind::Unknown);
  EXPECT_EQ(code_of([&] { (void)empty.tensor(); }), onyx::ErrorCode::NullPointer);
  EXPECT_EQ(code_of([&] { (void)empty.items(); }), onyx::ErrorCode::NullPointer);
  EXPECT_EQ(code_of([] { onyx::Value::tensor(onyx::Tensor()); }), onyx::ErrorCode::NullPointer);

  onyx::Value v = onyx::Value::tensor(floats({1}));
  onyx_value* raw = v.release();
  ASSERT_NE(raw, nullptr);
  EXPECT_FALSE(v);
  EXPECT_EQ(onyx_value_kind(raw), ONYX_VALUE_KIND_TENSOR);
  const onyx::Value again(raw);  // owned again, freed once
  EXPECT_EQ(again.tensor().to_vector<float>(), (std::vector<float>{1}));
}

// --- types -------------------------------------------------------------------------

TEST(ValueTypes, TensorTypesOfTheResNet) {
  const onyx::ValueInfo input = suite::shared_session().input(0);
  EXPECT_EQ(input.value_type.kind(), onyx::ValueKind::Tensor);
  EXPECT_EQ(input.value_type.element_type(), onyx::ElementType::Float32);
  EXPECT_EQ(input.value_type.key_type(), onyx::ElementType::Undefined);
  EXPECT_EQ(input.value_type.item(), nullptr);
  EXPECT_EQ(input.value_type.to_string(), "tensor(float)");
}

TEST(ValueTypes, ZipMapOutputIsASequenceOfMapsInOnnxNotation) {
  const onyx::Session session = onyx::Session::from_file(sklearn("classifier/model.onnx"));
  const std::vector<onyx::ValueInfo> outputs = session.outputs();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].value_type.to_string(), "tensor(string)");
  EXPECT_EQ(outputs[0].value_type.element_type(), onyx::ElementType::String);
  const onyx::ValueType& probabilities = outputs[1].value_type;
  EXPECT_EQ(outputs[1].kind, onyx::ValueKind::Sequence);
  EXPECT_EQ(probabilities.kind(), onyx::ValueKind::Sequence);
  EXPECT_EQ(probabilities.to_string(), "seq(map(string,tensor(float)))");
  EXPECT_EQ(probabilities.name(), probabilities.to_string());
  ASSERT_NE(probabilities.item(), nullptr);
  const onyx::ValueType& map = *probabilities.item();
  EXPECT_EQ(map.kind(), onyx::ValueKind::Map);
  EXPECT_EQ(map.key_type(), onyx::ElementType::String);
  EXPECT_EQ(map.element_type(), onyx::ElementType::Float32);
  EXPECT_EQ(map.to_string(), "map(string,tensor(float))");
  ASSERT_NE(map.item(), nullptr);
  EXPECT_EQ(map.item()->to_string(), "tensor(float)");
  EXPECT_EQ(map.item()->item(), nullptr);
  const onyx::ValueType copy = probabilities;  // copies share the nested types
  EXPECT_EQ(copy, probabilities);
  EXPECT_NE(copy, outputs[0].value_type);
}

// --- run_values on the scikit-learn folders -----------------------------------------

TEST(RunValues, ClassifierGivesStringLabelsAndZipMapProbabilities) {
  const std::string dir = sklearn("classifier");
  const onyx::Session session = onyx::Session::from_file(dir + "/model.onnx");
  const onyx::Value input = case_folder::read_value(tokens_of(dir, "input input"), dir);
  const onyx::ValueOutputs out = session.run_values({{"input", input}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.name(0), "output_label");
  const onyx::Value want_labels = case_folder::read_value(tokens_of(dir, "output output_label"), dir);
  EXPECT_EQ(out.at("output_label").tensor().strings(), want_labels.tensor().strings());

  const onyx::Value want = case_folder::read_value(tokens_of(dir, "output output_probability"), dir);
  const std::vector<onyx::Value>& rows = out.at("output_probability").items();
  ASSERT_EQ(rows.size(), want.items().size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const std::map<std::string, float> got = rows[r].to_map<std::string, float>();
    const std::map<std::string, float> expected = want.items()[r].to_map<std::string, float>();
    ASSERT_EQ(got.size(), expected.size()) << "row " << r;
    for (const auto& [label, p] : expected) {
      ASSERT_EQ(got.count(label), 1u) << label;
      EXPECT_NEAR(got.at(label), p, 1e-5 + 1e-3 * p) << "row " << r << " label " << label;
    }
  }
  // Only the labels, by name.
  const onyx::ValueOutputs labels = session.run_values({{"input", input}}, {"output_label"});
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(code_of([&] { (void)labels.at("output_probability"); }), onyx::ErrorCode::UnknownOutput);
}

TEST(RunValues, TextModelTakesAStringTensorBuiltFromStdStrings) {
  const std::string dir = sklearn("text");
  const onyx::Session session = onyx::Session::from_file(dir + "/model.onnx");
  EXPECT_EQ(session.input(0).value_type.to_string(), "tensor(string)");
  const onyx::Value recorded = case_folder::read_value(tokens_of(dir, "input text"), dir);
  const std::vector<std::string> sentences = recorded.tensor().strings();
  const onyx::Value text = onyx::Value::tensor(onyx::Tensor::from_strings(recorded.tensor().shape(), sentences));
  const onyx::ValueOutputs out = session.run_values({{"text", text}});
  const onyx::Value want = case_folder::read_value(tokens_of(dir, "output output_label"), dir);
  EXPECT_EQ(out.at("output_label").tensor().strings(), want.tensor().strings());
}

TEST(RunValues, AbsentOptionalForARequiredInputIsMissingInput) {
  const onyx::Session session = onyx::Session::from_file(sklearn("classifier/model.onnx"));
  const onyx::Value absent = onyx::Value::optional();
  EXPECT_EQ(code_of([&] { session.run_values({{"input", absent}}); }), onyx::ErrorCode::MissingInput);
  const onyx::Value strings = onyx::Value::tensor(onyx::Tensor::from_strings({4, 4}, std::vector<std::string>(16, "x")));
  EXPECT_EQ(code_of([&] { session.run_values({{"input", strings}}); }), onyx::ErrorCode::TypeMismatch);
  EXPECT_EQ(code_of([&] { session.run_values({{"nope", strings}}); }), onyx::ErrorCode::UnknownInput);
}

TEST(RunValues, TensorInputsRunAsRunDoes) {
  const onyx::Session& session = suite::shared_session();
  std::vector<float> image = suite::read_f32(suite::spec().path(suite::spec().find("classify_0").get("input")));
  const onyx::Tensor plain = onyx::Tensor::borrow({1, 3, 224, 224}, image);
  const std::vector<float> by_run = session.run({{"input", plain}})[0].to_vector<float>();
  const onyx::Value value = onyx::Value::tensor(onyx::Tensor::borrow({1, 3, 224, 224}, image));
  const onyx::ValueOutputs out = session.run_values({{"input", value}});
  const std::vector<float> by_values = out.at("logits").tensor().to_vector<float>();
  ASSERT_EQ(by_values.size(), by_run.size());
  EXPECT_EQ(std::memcmp(by_values.data(), by_run.data(), by_run.size() * sizeof(float)), 0);
}

}  // namespace
