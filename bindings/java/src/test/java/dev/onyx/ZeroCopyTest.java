package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Java-only: borrow uses a direct buffer's memory and refuses a heap buffer; copy always copies. */
class ZeroCopyTest {
    private final Spec spec = Spec.load();

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Test
    void directBufferIsUsedInPlace() {
        FloatBuffer a = direct(16);
        FloatBuffer b = direct(16);
        for (int i = 0; i < 16; i++) {
            a.put(i, 1);
            b.put(i, i);
        }
        try (Session session = Session.fromFile(spec.tinyModel()); Tensor ta = Tensor.borrow(a, 16); Tensor tb = Tensor.borrow(b, 16)) {
            assertEquals(Native.bufferAddress(a), ta.dataAddress(), "the tensor's data is the buffer's memory");
            a.put(3, 1000); // written after the tensor was made: seen by the run, so no copy was taken
            try (RunOutputs outputs = session.run(Map.of("a", ta, "b", tb))) {
                assertEquals(1003f, outputs.get(0).toFloatArray()[3]);
                assertEquals(1f, outputs.get(0).toFloatBuffer().get(0));
            }
        }
    }

    @Test
    void bufferPositionIsRespected() {
        FloatBuffer buffer = direct(20);
        buffer.position(4);
        try (Tensor tensor = Tensor.borrow(buffer.slice(), 16); Tensor offset = Tensor.borrow(buffer, 16)) {
            assertEquals(Native.bufferAddress(buffer) + 16, offset.dataAddress());
            assertEquals(offset.dataAddress(), tensor.dataAddress());
        }
    }

    @Test
    void borrowRefusesAHeapBufferInsteadOfCopyingIt() {
        OnyxException heap = assertThrows(OnyxException.class, () -> Tensor.borrow(FloatBuffer.wrap(new float[16]), 16));
        assertEquals(ErrorCode.INVALID_ARGUMENT, heap.code());
        assertTrue(heap.getMessage().contains("heap buffer") && heap.getMessage().contains("Tensor.copy"), heap.getMessage());
        ByteBuffer bytes = ByteBuffer.allocate(64);
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OnyxException.class, () -> Tensor.borrow(bytes, ElementType.FLOAT32, 16)).code());
    }

    @Test
    void copyOfAHeapBufferIsACopy() {
        float[] backing = new float[16];
        Arrays.fill(backing, 7);
        FloatBuffer heap = FloatBuffer.wrap(backing);
        heap.position(0);
        try (Tensor tensor = Tensor.copy(heap, 16)) {
            backing[3] = 1000; // written after the copy: the tensor must not see it
            float[] got = tensor.toFloatArray();
            assertEquals(7f, got[3], "the tensor holds its own copy");
            assertEquals(16, got.length);
            assertEquals(0, heap.position(), "copying does not move the buffer's position");
        }
    }

    @Test
    void copyOfADirectBufferIsACopy() {
        FloatBuffer direct = direct(16);
        for (int i = 0; i < 16; i++) {
            direct.put(i, i);
        }
        try (Tensor tensor = Tensor.copy(direct, 16)) {
            assertNotEquals(Native.bufferAddress(direct), tensor.dataAddress(), "a copy has its own memory");
            direct.put(3, 1000);
            assertEquals(3f, tensor.toFloatArray()[3]);
        }
    }

    @Test
    void wrongByteOrderAndWrongLengthAreOnyxErrors() {
        ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        FloatBuffer swapped = ByteBuffer.allocateDirect(64).order(other).asFloatBuffer();
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OnyxException.class, () -> Tensor.borrow(swapped, 16)).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(OnyxException.class, () -> Tensor.copy(swapped, 16)).code());
        OnyxException tooShort = assertThrows(OnyxException.class, () -> Tensor.borrow(direct(15), 16));
        assertEquals(ErrorCode.BUFFER_SIZE_MISMATCH, tooShort.code());
        assertNotEquals(0, Native.bufferAddress(direct(1)));
    }
}
