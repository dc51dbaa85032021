package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Java-only: operators whose kernels are Java lambdas. Exceptions come back as
 * {@code KERNEL_FAILED} with the exception's class and message and the session stays usable;
 * a kernel runs on several threads at once (Java threads and Onyx's native workers); the
 * context and its tensors are refused, not a crash, after the call.
 */
class HostKernelTest {
    private static final float[] X = {1, 2, 3, -4, 0.5f, 1e-3f};
    private final Spec spec = Spec.load();

    private Path model(String name) {
        return spec.path("fixtures/customops/" + name);
    }

    private static OperatorDefinition floatOp(String name) {
        return new OperatorDefinition("dev.onyx.test", name).input(ElementType.FLOAT32).output(ElementType.FLOAT32);
    }

    private static OperatorDefinition scaleShift() {
        return floatOp("ScaleShift").attribute("alpha", AttributeKind.FLOAT).attribute("beta", AttributeKind.FLOAT);
    }

    /** Copies x to y, or throws what {@code failure} holds. */
    private static Kernel copyOrThrow(AtomicReference<Exception> failure) {
        return context -> {
            Exception e = failure.get();
            if (e != null) {
                throw e;
            }
            Tensor x = context.input(0);
            context.output(0, x.shape()).copyFrom(x.toFloatArray());
        };
    }

    private static float[] run(Session session) {
        try (Tensor x = Tensor.copy(X, 2, 3); RunOutputs outputs = session.run(Map.of("x", x))) {
            return outputs.get(0).toFloatArray();
        }
    }

    @Test
    void exceptionsBecomeKernelFailedWithClassAndMessageAndTheSessionStaysUsable() throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Session session;
        try (Operator op = new Operator(floatOp("Fail"), copyOrThrow(failure))) {
            session = Session.fromFile(model("fail.onnx"), new SessionOptions().addOperator(op));
        }
        try (Session s = session) {
            assertArrayEquals(X, run(s));
            failure.set(new IllegalStateException("host kernel failed on purpose"));
            OnyxException e = assertThrows(OnyxException.class, () -> run(s));
            assertEquals(ErrorCode.KERNEL_FAILED, e.code());
            assertTrue(e.getMessage().contains("java.lang.IllegalStateException: host kernel failed on purpose"), e.getMessage());
            assertTrue(e.getMessage().contains("dev.onyx.test::Fail"), e.getMessage());

            failure.set(new java.io.IOException("a checked one"));
            e = assertThrows(OnyxException.class, () -> run(s));
            assertEquals(ErrorCode.KERNEL_FAILED, e.code());
            assertTrue(e.getMessage().contains("java.io.IOException: a checked one"), e.getMessage());

            failure.set(new UnsupportedOperationException()); // no message: the class alone
            e = assertThrows(OnyxException.class, () -> run(s));
            assertTrue(e.getMessage().endsWith("failed: java.lang.UnsupportedOperationException"), e.getMessage());

            // An Onyx error inside the kernel keeps its code.
            failure.set(new OnyxException(ErrorCode.SHAPE_MISMATCH, "not this shape"));
            e = assertThrows(OnyxException.class, () -> run(s));
            assertEquals(ErrorCode.SHAPE_MISMATCH, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("dev.onyx.OnyxException: SHAPE_MISMATCH: not this shape"), e.getMessage());

            failure.set(null);
            assertArrayEquals(X, run(s)); // usable after every failure
        }
    }

    @Test
    void errorsAndMisuseInsideTheKernelAreReportedNotCrashes() throws Exception {
        List<Kernel> kernels = List.of(
                context -> {
                    throw new AssertionError("an Error, not an Exception");
                },
                context -> context.input(0).copyFrom(new float[6]), // inputs are read-only
                context -> context.input(7), // past the end: core's INDEX_OUT_OF_RANGE
                context -> context.attributeFloat("gamma"), // not declared
                context -> recurse(0));
        List<String> expected = List.of("java.lang.AssertionError: an Error, not an Exception",
                "java.lang.IllegalStateException: a kernel's input tensor is read-only", "INDEX_OUT_OF_RANGE", "declares no attribute 'gamma'",
                "java.lang.StackOverflowError");
        for (int i = 0; i < kernels.size(); i++) {
            try (Operator op = new Operator(floatOp("Fail"), kernels.get(i));
                    Session s = Session.fromFile(model("fail.onnx"), new SessionOptions().addOperator(op))) {
                OnyxException e = assertThrows(OnyxException.class, () -> run(s));
                assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
            }
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void theContextAndItsTensorsAreRefusedAfterTheCall() throws Exception {
        AtomicReference<KernelContext> kept = new AtomicReference<>();
        AtomicReference<Tensor> keptInput = new AtomicReference<>();
        AtomicReference<Tensor> keptOutput = new AtomicReference<>();
        Kernel kernel = context -> {
            kept.set(context);
            Tensor x = context.input(0);
            keptInput.set(x);
            assertEquals(1, context.inputCount());
            assertEquals(1, context.outputCount());
            assertEquals(x, context.input(0));
            Tensor y = context.output(0, x.shape());
            keptOutput.set(y);
            y.copyFrom(x.toFloatArray());
        };
        try (Operator op = new Operator(floatOp("Fail"), kernel);
                Session s = Session.fromFile(model("fail.onnx"), new SessionOptions().addOperator(op))) {
            assertArrayEquals(X, run(s));
        }
        assertThrows(IllegalStateException.class, () -> kept.get().input(0));
        assertThrows(IllegalStateException.class, () -> kept.get().attributeFloat("alpha"));
        assertThrows(IllegalStateException.class, () -> kept.get().nodeName());
        assertThrows(IllegalStateException.class, () -> keptInput.get().toFloatArray());
        assertThrows(IllegalStateException.class, () -> keptOutput.get().copyFrom(new float[6]));
        assertThrows(IllegalStateException.class, () -> keptOutput.get().shape());
    }

    @Test
    void attributesAndTheNodeName() throws Exception {
        AtomicReference<String> node = new AtomicReference<>();
        Kernel kernel = context -> {
            node.set(context.nodeName());
            SuiteTest.scaleShift(context);
        };
        try (Operator op = new Operator(scaleShift(), kernel);
                Session s = Session.fromFile(model("scale_shift.onnx"), new SessionOptions().addOperator(op))) {
            float[] y = run(s);
            float[] again = run(s);
            assertArrayEquals(y, again);
            assertTrue(node.get() != null && !node.get().isEmpty());
        }
    }

    @Test
    void definitionsAndOptionsAreChecked() {
        Kernel nothing = context -> { };
        OnyxException e = assertThrows(OnyxException.class, () -> new Operator(new OperatorDefinition("ai.onnx", "X").output(ElementType.FLOAT32), nothing));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        e = assertThrows(OnyxException.class, () -> new Operator(new OperatorDefinition("x.y", "X"), nothing));
        assertTrue(e.getMessage().contains("at least one output"), e.getMessage());
        try (Operator a = new Operator(floatOp("Fail"), nothing); Operator b = new Operator(floatOp("Fail"), nothing)) {
            SessionOptions options = new SessionOptions().addOperator(a).addOperator(a);
            e = assertThrows(OnyxException.class, () -> options.addOperator(b));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            b.close();
            assertThrows(IllegalStateException.class, () -> new SessionOptions().addOperator(b));
        }
    }

    @Test
    void aKernelRunsOnSeveralThreadsAtOnceJavaAndNative() throws Exception {
        int parties = 4; // two Java threads' runs and two asynchronous runs on Onyx's workers
        CyclicBarrier together = new CyclicBarrier(parties);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        AtomicBoolean meet = new AtomicBoolean(true);
        Kernel kernel = context -> {
            threads.add(Thread.currentThread().getName());
            if (meet.get()) {
                together.await(60, TimeUnit.SECONDS); // only passes when 4 calls run at once
            }
            SuiteTest.scaleShift(context);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Operator op = new Operator(scaleShift(), kernel);
                Session s = Session.fromFile(model("scale_shift.onnx"), new SessionOptions().addOperator(op));
                Tensor x = Tensor.copy(X, 2, 3)) {
            float[] expected;
            meet.set(false);
            expected = run(s);
            meet.set(true);
            for (int round = 0; round < 5; round++) {
                List<Future<float[]>> sync = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    sync.add(pool.submit(() -> run(s)));
                }
                List<CompletableFuture<RunOutputs>> async = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    async.add(s.runAsync(Map.of("x", x)));
                }
                for (Future<float[]> f : sync) {
                    assertArrayEquals(expected, f.get(90, TimeUnit.SECONDS));
                }
                for (CompletableFuture<RunOutputs> f : async) {
                    try (RunOutputs outputs = f.get(90, TimeUnit.SECONDS)) {
                        assertArrayEquals(expected, outputs.get(0).toFloatArray());
                    }
                }
            }
            // Many more, unsynchronised, to stress attaching and the local frames.
            meet.set(false);
            List<Future<float[]>> many = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                many.add(pool.submit(() -> run(s)));
            }
            List<CompletableFuture<RunOutputs>> manyAsync = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                manyAsync.add(s.runAsync(Map.of("x", x)));
            }
            for (Future<float[]> f : many) {
                assertArrayEquals(expected, f.get(90, TimeUnit.SECONDS));
            }
            for (CompletableFuture<RunOutputs> f : manyAsync) {
                try (RunOutputs outputs = f.get(90, TimeUnit.SECONDS)) {
                    assertArrayEquals(expected, outputs.get(0).toFloatArray());
                }
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(threads.stream().anyMatch(name -> name.startsWith("onyx-worker")), threads.toString());
        assertTrue(threads.stream().anyMatch(name -> name.startsWith("pool-")), threads.toString());
    }

    @Test
    void theSessionKeepsTheKernelAliveAfterTheOperatorIsClosedAndCollected() throws Exception {
        Session session;
        {
            Operator op = new Operator(scaleShift(), SuiteTest::scaleShift);
            session = Session.fromFile(model("scale_shift.onnx"), new SessionOptions().addOperator(op));
            op.close();
        }
        try (Session s = session) {
            float[] first = run(s);
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertArrayEquals(first, run(s));
        }
    }
}
