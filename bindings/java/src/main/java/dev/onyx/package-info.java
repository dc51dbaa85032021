/**
 * Onyx for Java: run ONNX models through ONNX Runtime, with the same Rust core, error
 * codes and answers as Onyx's C, C++ and .NET APIs.
 *
 * <p>Start with {@link dev.onyx.Session}: load a model, make input {@link dev.onyx.Tensor}s,
 * run, read the {@link dev.onyx.RunOutputs}. Models whose inputs or outputs are string
 * tensors, sequences, maps or optionals run on {@link dev.onyx.Value}s
 * ({@link dev.onyx.Session#runValues}, {@link dev.onyx.ValueOutputs}). Everything that holds native memory is
 * {@link java.lang.AutoCloseable}. Failures are {@link dev.onyx.OnyxException}s carrying an
 * {@link dev.onyx.ErrorCode}.
 */
package dev.onyx;
