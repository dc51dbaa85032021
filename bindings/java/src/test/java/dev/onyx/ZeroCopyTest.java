package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Java-only: a tensor over a direct buffer is the buffer's memory, not a copy. */
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
        try (Session session = Session.fromFile(spec.tinyModel()); Tensor ta = Tensor.fromBuffer(a, 16); Tensor tb = Tensor.fromBuffer(b, 16)) {
            assertEquals(Native.bufferAddress(a), ta.dataAddress(), "the tensor's data is the buffer's memory");
            a.put(3, 1000); // written after the tensor was made: seen by the run, so no copy was taken
            try (Result result = session.run(Map.of("a", ta, "b", tb))) {
                assertEquals(1003f, result.get(0).getFloats()[3]);
                assertEquals(1f, result.get(0).getFloatBuffer().get(0));
            }
        }
    }

    @Test
    void bufferPositionIsRespected() {
        FloatBuffer buffer = direct(20);
        buffer.position(4);
        try (Tensor tensor = Tensor.fromBuffer(buffer.slice(), 16); Tensor offset = Tensor.fromBuffer(buffer, 16)) {
            assertEquals(Native.bufferAddress(buffer) + 16, offset.dataAddress());
            assertEquals(offset.dataAddress(), tensor.dataAddress());
        }
    }

    @Test
    void heapBuffersAreCopiedAndWrongOrderIsRefused() {
        FloatBuffer heap = FloatBuffer.wrap(new float[16]);
        try (Tensor tensor = Tensor.fromBuffer(heap, 16)) {
            assertEquals(16, tensor.getFloats().length);
        }
        ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        FloatBuffer swapped = ByteBuffer.allocateDirect(64).order(other).asFloatBuffer();
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromBuffer(swapped, 16));
        OnyxException tooShort = assertThrows(OnyxException.class, () -> Tensor.fromBuffer(direct(15), 16));
        assertEquals(ErrorCode.BUFFER_SIZE_MISMATCH, tooShort.code());
        assertNotEquals(0, Native.bufferAddress(direct(1)));
    }
}
