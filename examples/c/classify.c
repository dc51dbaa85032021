/* Classifies the suite's three images with ResNet18 through Onyx's C API.
 * Usage: classify_c <tests/suite folder> */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onyx.h"

/* Prints the status and exits when a call failed. */
static void check(onyx_status *status, const char *what) {
    if (!status) return;
    fprintf(stderr, "%s failed: [%s] %s\n", what, onyx_error_code_name(onyx_status_code(status)), onyx_status_message(status));
    onyx_status_free(status);
    exit(1);
}

static void print_value(const char *role, const onyx_value_info *info) {
    printf("  %s %s: element type %u, shape [", role, onyx_value_info_name(info), onyx_value_info_element_type(info));
    for (size_t d = 0; d < onyx_value_info_rank(info); d++) {
        const char *dim_name = onyx_value_info_dim_name(info, d);
        if (dim_name[0]) printf("%s%s", d ? "," : "", dim_name);
        else printf("%s%lld", d ? "," : "", (long long)onyx_value_info_shape(info)[d]);
    }
    printf("]\n");
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Reads the suite's rendered text line (fixtures/ocr_0.f32, a [1,3,48,width] image) with
 * the PP-OCRv4 recogniser: the best class per time step, repeats merged, blanks (class
 * 0) dropped; the symbols are the model's metadata `character`, one per line, and the
 * last class is a space. */
static void read_text_line(const char *suite) {
    char path[4096];
    snprintf(path, sizeof path, "%s/../../.cache/models/ch_PP-OCRv4_rec_infer.onnx", suite);
    onyx_session *session = NULL;
    check(onyx_session_create_from_file(path, NULL, &session), "loading the OCR model");
    snprintf(path, sizeof path, "%s/fixtures/ocr_0.f32", suite);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    static float pixels[3 * 48 * 4096];
    size_t count = fread(pixels, sizeof(float), sizeof pixels / sizeof(float), f);
    fclose(f);
    const int64_t shape[4] = {1, 3, 48, (int64_t)(count / (3 * 48))};
    onyx_tensor *image = NULL, *output = NULL;
    check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, shape, 4, pixels, count * sizeof(float), &image), "image tensor");
    const char *input_name = "x";
    const onyx_tensor *inputs[1] = {image};
    check(onyx_session_run(session, NULL, &input_name, inputs, 1, NULL, 1, &output), "reading the line");
    const char *symbols = onyx_model_metadata_custom_value(onyx_session_metadata(session), "character");
    size_t classes = (size_t)onyx_tensor_shape(output)[2], steps = (size_t)onyx_tensor_shape(output)[1], previous = 0;
    const float *p = onyx_tensor_data(output);
    printf("reads: ");
    for (size_t t = 0; t < steps; t++, p += classes) {
        size_t best = 0;
        for (size_t k = 1; k < classes; k++)
            if (p[k] > p[best]) best = k;
        if (best != 0 && best != previous) {
            const char *symbol = symbols; /* line best-1; past the last line, a space */
            for (size_t line = 1; line < best && symbol; line++)
                if ((symbol = strchr(symbol, '\n'))) symbol++;
            if (symbol && *symbol) printf("%.*s", (int)strcspn(symbol, "\n"), symbol);
            else printf(" ");
        }
        previous = best;
    }
    printf("\n");
    onyx_tensor_free(image);
    onyx_tensor_free(output);
    onyx_session_free(session);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <tests/suite folder>\n", argv[0]);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/fixtures/resnet18.onnx", argv[1]);

    onyx_session *session = NULL;
    check(onyx_session_create_from_file(path, NULL, &session), "loading the model");
    const char *version = NULL;
    check(onyx_runtime_version(&version), "runtime version");
    printf("Onyx C, ONNX Runtime %s, model %s\n", version, path);

    const onyx_value_info *input_info = NULL, *output_info = NULL;
    check(onyx_session_input_info(session, 0, &input_info), "input info");
    check(onyx_session_output_info(session, 0, &output_info), "output info");
    print_value("input", input_info);
    print_value("output", output_info);

    static float pixels[3 * 224 * 224];
    static float logits[1000];
    const int64_t input_shape[4] = {1, 3, 224, 224}, output_shape[2] = {1, 1000};
    for (int image = 0; image < 3; image++) {
        snprintf(path, sizeof path, "%s/fixtures/input_%d.f32", argv[1], image);
        FILE *f = fopen(path, "rb");
        if (!f || fread(pixels, sizeof pixels, 1, f) != 1) {
            fprintf(stderr, "cannot read %s\n", path);
            return 1;
        }
        fclose(f);

        /* Zero copy both ways: the input borrows `pixels`, the output writes into `logits`. */
        onyx_tensor *input = NULL, *output = NULL;
        check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, input_shape, 4, pixels, sizeof pixels, &input), "input tensor");
        check(onyx_tensor_create_borrowed(ONYX_ELEMENT_FLOAT32, output_shape, 2, logits, sizeof logits, &output), "output tensor");
        const char *input_name = "input", *output_name = "logits";
        const onyx_tensor *inputs[1] = {input};
        onyx_tensor *outputs[1] = {output};
        double start = now_ms();
        check(onyx_session_run_into(session, NULL, &input_name, inputs, 1, &output_name, 1, outputs), "run");
        double elapsed = now_ms() - start;
        onyx_tensor_free(input);
        onyx_tensor_free(output);

        int top[5] = {0};
        for (int k = 0; k < 5; k++) {
            int best = -1;
            for (int i = 0; i < 1000; i++) {
                int taken = 0;
                for (int j = 0; j < k; j++) taken |= top[j] == i;
                if (!taken && (best < 0 || logits[i] > logits[best])) best = i;
            }
            top[k] = best;
        }
        printf("input_%d: top5 %d %d %d %d %d (%.1f ms)\n", image, top[0], top[1], top[2], top[3], top[4], elapsed);
    }
    onyx_session_free(session);
    read_text_line(argv[1]);
    return 0;
}
