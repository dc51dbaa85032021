// `make bench-cpp`: ResNet18 batch 1 (intra 1 and 2) and the tiny add16 model per
// call, through onyx.hpp, with the settings of the anchors (bench/src/main.rs):
// warmed up, medians, input borrowed and the output allocated by Onyx.
//
// To see whether the C++ layer costs anything over the C ABI, each figure is taken
// in alternating rounds with the same work written against onyx.h directly in this
// process, so machine noise hits both alike.
//
//   onyx_cpp_bench <tests/suite folder> <bench folder>
// prints, and appends to <bench folder>/results.txt,
//   bench cpp <metric> <median> <unit> <ratio to ort direct>
// reading <bench folder>/anchors.txt (written by `make bench-anchors`) when present.
#include <onyx.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

template <typename T>
void black_box(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

/// Median of timings (ms) of `f`, `rounds` times, alternating with `g` when given.
/// Returns {median of f, median of g}.
std::pair<double, double> alternating_median_ms(int warmup, int rounds, const std::function<void()>& f,
                                                const std::function<void()>& g) {
  for (int i = 0; i < warmup; ++i) {
    f();
    g();
  }
  std::vector<double> a, b;
  auto time = [](const std::function<void()>& body) {
    const auto start = Clock::now();
    body();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  for (int i = 0; i < rounds; ++i) {
    a.push_back(time(f));
    b.push_back(time(g));
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return {a[a.size() / 2], b[b.size() / 2]};
}

std::function<void()> repeat(int calls, std::function<void()> body) {
  return [calls, body = std::move(body)] {
    for (int i = 0; i < calls; ++i) body();
  };
}

void ok(onyx_status* status) {
  if (status != nullptr) {
    std::fprintf(stderr, "onyx call failed: %s\n", onyx_status_message(status));
    std::exit(1);
  }
}

/// The C ABI way, as the anchors' C side does it: borrow the inputs, let Onyx
/// allocate the output, free everything.
void c_run(const onyx_session* session, const std::vector<const char*>& names, const std::vector<float*>& data,
           const std::vector<std::vector<int64_t>>& shapes, size_t elements) {
  std::vector<const onyx_tensor*> inputs(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    onyx_tensor* t = nullptr;
    ok(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, shapes[i].data(), shapes[i].size(), data[i],
                                   elements * sizeof(float), &t));
    inputs[i] = t;
  }
  onyx_tensor* output = nullptr;
  ok(onyx_session_run(session, nullptr, names.data(), inputs.data(), inputs.size(), nullptr, 1, &output));
  black_box(*static_cast<const float*>(onyx_tensor_data(output)));
  onyx_tensor_free(output);
  for (const onyx_tensor* t : inputs) onyx_tensor_free(const_cast<onyx_tensor*>(t));
}

std::map<std::string, double> read_anchors(const std::string& path) {
  std::map<std::string, double> anchors;
  std::ifstream in(path);
  std::string key;
  double value;
  while (in >> key >> value) anchors[key] = value;
  return anchors;
}

struct Reporter {
  std::map<std::string, double> anchors;
  std::vector<std::string> lines;

  /// `anchor` names the anchors' metric to compare with (default: `metric`).
  void add(const std::string& metric, double value, const char* unit, double c_same_process, std::string anchor = "") {
    char line[256];
    if (anchor.empty()) anchor = metric;
    const auto direct = anchors.find("ort_" + anchor);
    const auto c_anchor = anchors.find("c_" + anchor);
    char ratio[32] = "-";
    if (direct != anchors.end()) std::snprintf(ratio, sizeof ratio, "%.4f", value / direct->second);
    std::snprintf(line, sizeof line, "bench cpp %s %.4f %s %s", metric.c_str(), value, unit, ratio);
    lines.push_back(line);
    std::printf("%s   (C ABI in this process %.3f %s: C++/C %.3f", line, c_same_process, unit, value / c_same_process);
    if (direct != anchors.end()) std::printf("; ort direct anchor %.3f %s", direct->second, unit);
    if (c_anchor != anchors.end()) std::printf("; C ABI anchor %.3f %s, C++/anchor %.3f", c_anchor->second, unit,
                                               value / c_anchor->second);
    if (anchors.empty()) std::printf("; no anchors: run `make bench` for ratios to ort direct");
    std::printf(")\n");
    std::fflush(stdout);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <tests/suite folder> <bench folder>\n", argv[0]);
    return 2;
  }
  const std::string suite = argv[1], out_dir = argv[2];
  Reporter reporter{read_anchors(out_dir + "/anchors.txt"), {}};

  std::vector<float> pixels(3 * 224 * 224);
  {
    std::ifstream in(suite + "/fixtures/input_0.f32", std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(pixels.data()), static_cast<std::streamsize>(pixels.size() * sizeof(float)))) {
      std::fprintf(stderr, "cannot read %s/fixtures/input_0.f32\n", suite.c_str());
      return 1;
    }
  }
  const std::vector<int64_t> image_shape = {1, 3, 224, 224};

  for (int32_t threads : {1, 2}) {
    onyx::SessionOptions options;
    options.set_intra_op_threads(threads);
    const onyx::Session session = onyx::Session::from_file(suite + "/fixtures/resnet18.onnx", options);
    auto cpp = [&] {
      const onyx::Tensor input = onyx::Tensor::borrow(image_shape, pixels);
      const onyx::RunOutputs outputs = session.run({{"input", input}});
      black_box(outputs[0].data<float>()[0]);
    };
    auto c = [&] { c_run(session.get(), {"input"}, {pixels.data()}, {image_shape}, pixels.size()); };
    const auto [cpp_ms, c_ms] = alternating_median_ms(3, 30, cpp, c);
    reporter.add("resnet18_b1_intra" + std::to_string(threads) + "_ms", cpp_ms, "ms", c_ms);
  }

  {
    onyx::SessionOptions options;
    options.set_intra_op_threads(1);
    const onyx::Session tiny = onyx::Session::from_file(suite + "/fixtures/add16.onnx", options);
    std::vector<float> a(16, 1.0f), b(16, 2.0f), sum(16);
    const std::vector<int64_t> shape = {16};
    constexpr int kCalls = 2000;
    auto cpp = repeat(kCalls, [&] {
      const onyx::Tensor ta = onyx::Tensor::borrow(shape, a), tb = onyx::Tensor::borrow(shape, b);
      const onyx::RunOutputs outputs = tiny.run({{"a", ta}, {"b", tb}});
      black_box(outputs[0].data<float>()[0]);
    });
    auto c = repeat(kCalls, [&] { c_run(tiny.get(), {"a", "b"}, {a.data(), b.data()}, {shape, shape}, 16); });
    const auto [cpp_ms, c_ms] = alternating_median_ms(3, 15, cpp, c);
    reporter.add("add16_call_us", cpp_ms * 1e3 / kCalls, "us", c_ms * 1e3 / kCalls);

    // The zero-allocation path: tensors made once, outputs written into `sum`.
    const onyx::Tensor ta = onyx::Tensor::borrow(shape, a), tb = onyx::Tensor::borrow(shape, b);
    onyx::Tensor ts = onyx::Tensor::borrow(shape, sum);
    auto cpp_into = repeat(kCalls, [&] { tiny.run_into({{"a", ta}, {"b", tb}}, {{"sum", ts}}); });
    auto c_into = repeat(kCalls, [&] {
      const char* in_names[2] = {"a", "b"};
      const onyx_tensor* in[2] = {ta.get(), tb.get()};
      const char* out_names[1] = {"sum"};
      onyx_tensor* out[1] = {ts.get()};
      ok(onyx_session_run_into(tiny.get(), nullptr, in_names, in, 2, out_names, 1, out));
    });
    const auto [into_ms, c_into_ms] = alternating_median_ms(3, 15, cpp_into, c_into);
    reporter.add("add16_run_into_call_us", into_ms * 1e3 / kCalls, "us", c_into_ms * 1e3 / kCalls, "add16_call_us");
  }

  // One call of a C++ kernel against the same operator from the project's native
  // custom-op library: ScaleShift on 16 floats, one node, so the runs differ by the kernel.
  {
    const std::string model = suite + "/fixtures/customops/scale_shift_16.onnx";
    onyx::SessionOptions with_library;
    with_library.set_intra_op_threads(1).add_custom_op_library(suite + "/../../target/release/libonyx_test_customops.so");
    const onyx::Session library = onyx::Session::from_file(model, with_library);
    onyx::SessionOptions with_kernel;
    with_kernel.set_intra_op_threads(1).add_operator(onyx::Operator(
        "dev.onyx.test", "ScaleShift", {onyx::ElementType::Float32}, {onyx::ElementType::Float32},
        [](onyx::KernelContext& context) {
          const float alpha = context.attribute_float("alpha"), beta = context.attribute_float("beta");
          const onyx::Tensor& x = context.input(0);
          onyx::Tensor& y = context.output(0, x.shape());
          const onyx::Span<const float> in = x.values<float>();
          const onyx::Span<float> out = y.mutable_values<float>();
          for (size_t i = 0; i < in.size(); i++) out[i] = alpha * in[i] + beta;
        },
        {{"alpha", onyx::AttributeKind::Float}, {"beta", onyx::AttributeKind::Float}}));
    const onyx::Session kernel = onyx::Session::from_file(model, with_kernel);
    std::vector<float> x(16, 1.5f);
    const std::vector<int64_t> shape = {16};
    constexpr int kCalls = 2000;
    auto run = [&](const onyx::Session& session) {
      return repeat(kCalls, [&] {
        const onyx::Tensor tx = onyx::Tensor::borrow(shape, x);
        black_box(session.run({{"x", tx}})[0].data<float>()[0]);
      });
    };
    const auto [kernel_ms, library_ms] = alternating_median_ms(3, 15, run(kernel), run(library));
    const double kernel_us = kernel_ms * 1e3 / kCalls, library_us = library_ms * 1e3 / kCalls;
    std::printf("onyx: [bench] ScaleShift on 16 floats, one run: native library %.3f us, C++ kernel %.3f us: %+.3f us per kernel call (target: within 1 us)\n",
                library_us, kernel_us, kernel_us - library_us);
    reporter.lines.push_back("bench cpp kernel_cpp_extra_us " + std::to_string(kernel_us - library_us) + " us 1");
  }

  std::ofstream results(out_dir + "/results.txt", std::ios::app);
  for (const std::string& line : reporter.lines) results << line << "\n";
  return 0;
}
