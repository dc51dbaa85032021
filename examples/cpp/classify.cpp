// Classifies the suite's three images with ResNet18 through Onyx's C++ API, then reads
// the suite's rendered text line with PP-OCRv4 (`reads: Hello 0nyx 2026`).
// Usage: classify <tests/suite folder>
#include <onyx.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<float> read_floats(const std::string& path, size_t count) {
  std::vector<float> values(count);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(count * sizeof(float)))) {
    throw std::runtime_error("cannot read " + path);
  }
  return values;
}

std::string describe(const onyx::ValueInfo& info) {
  std::string dims;
  for (size_t d = 0; d < info.shape.size(); ++d) {
    dims += (d ? "," : "") + (info.dim_names[d].empty() ? std::to_string(info.shape[d]) : info.dim_names[d]);
  }
  const std::string type = info.element_type ? onyx::element_type_name(*info.element_type) : "not a tensor";
  return info.name + ": " + type + ", shape [" + dims + "]";
}

/// Reads the suite's rendered text line (fixtures/ocr_0.f32, a [1,3,48,width] image)
/// with the PP-OCRv4 recogniser: the best class per time step, repeats merged, blanks
/// (class 0) dropped; the symbols are the model's metadata `character`, one per line,
/// and the last class is a space.
std::string read_text_line(const std::string& dir) {
  const onyx::Session session = onyx::Session::from_file(dir + "/../../.cache/models/ch_PP-OCRv4_rec_infer.onnx");
  std::ifstream in(dir + "/fixtures/ocr_0.f32", std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + dir + "/fixtures/ocr_0.f32");
  const size_t count = static_cast<size_t>(in.tellg()) / sizeof(float);
  in.close();
  std::vector<float> pixels = read_floats(dir + "/fixtures/ocr_0.f32", count);
  const onyx::Tensor image = onyx::Tensor::borrow({1, 3, 48, static_cast<int64_t>(count / (3 * 48))}, pixels);
  const onyx::RunOutputs outputs = session.run({{session.input(0).name, image}});
  const std::vector<int64_t> shape = outputs[0].shape();  // [1, steps, classes]
  const onyx::Span<const float> p = outputs[0].values<float>();

  std::vector<std::string> symbols;
  std::istringstream lines(session.metadata().custom.at("character"));
  for (std::string line; std::getline(lines, line);) symbols.push_back(line);
  const size_t classes = static_cast<size_t>(shape[2]);
  std::string text;
  size_t previous = 0;
  for (size_t step = 0; step < static_cast<size_t>(shape[1]); ++step) {
    const float* row = p.data() + step * classes;
    const size_t best = static_cast<size_t>(std::max_element(row, row + classes) - row);
    if (best != 0 && best != previous) text += best <= symbols.size() ? symbols[best - 1] : " ";
    previous = best;
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <tests/suite folder>\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    const onyx::Session session = onyx::Session::from_file(dir + "/fixtures/resnet18.onnx");
    std::cout << "Onyx C++, ONNX Runtime " << onyx::Runtime::version() << ", model " << dir << "/fixtures/resnet18.onnx\n";
    std::cout << "  input " << describe(session.input(0)) << "\n  output " << describe(session.output(0)) << "\n";

    std::vector<float> logits(1000);
    // Zero copy both ways: the output tensor writes straight into `logits`.
    onyx::Tensor output = onyx::Tensor::borrow({1, 1000}, logits);
    for (int image = 0; image < 3; ++image) {
      std::vector<float> pixels = read_floats(dir + "/fixtures/input_" + std::to_string(image) + ".f32", 3 * 224 * 224);
      const onyx::Tensor input = onyx::Tensor::borrow({1, 3, 224, 224}, pixels);

      const auto start = std::chrono::steady_clock::now();
      session.run_into({{"input", input}}, {{"logits", output}});
      const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;

      std::vector<int> top(logits.size());
      std::iota(top.begin(), top.end(), 0);
      std::partial_sort(top.begin(), top.begin() + 5, top.end(), [&](int a, int b) { return logits[a] > logits[b]; });
      std::printf("input_%d: top5 %d %d %d %d %d (%.1f ms)\n", image, top[0], top[1], top[2], top[3], top[4], elapsed.count());
    }
    std::printf("reads: %s\n", read_text_line(dir).c_str());
  } catch (const onyx::Error& e) {
    std::cerr << "onyx: [" << e.code_name() << "] " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
