package dev.onyx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Java-only: the Java copies of Onyx's shared tables equal the C ABI's
 * ({@code include/onyx.h}, generated from onyx-core): error codes, element types, value
 * kinds, optimisation and log levels by name and number; element sizes and ONNX names
 * equal onyx-core's (the functions the header's {@code onyx_element_type_size} and
 * {@code _name} wrap, reached here through JNI).
 */
class TablesTest {
    /** The header: the onyx.header property (set by the pom), else the checkout's. */
    private static String header() throws Exception {
        String property = System.getProperty("onyx.header");
        Path path = property != null ? Paths.get(property) : Spec.load().dir.resolve("../../include/onyx.h").normalize();
        return Files.readString(path);
    }

    /** Every {@code #define ONYX_<prefix>NAME number}, in header order. */
    private static Map<String, Integer> defines(String prefix) throws Exception {
        Map<String, Integer> found = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^#define ONYX_" + prefix + "([A-Z0-9_]+) (\\d+)$").matcher(header());
        while (m.find()) {
            found.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        if (found.isEmpty()) {
            throw new AssertionError("no ONYX_" + prefix + "* in the header");
        }
        return found;
    }

    private interface Number<E> {
        int of(E value);
    }

    private static <E extends Enum<E>> Map<String, Integer> java(E[] values, Number<E> number) {
        Map<String, Integer> found = new LinkedHashMap<>();
        for (E value : values) {
            found.put(value.name(), number.of(value));
        }
        return found;
    }

    @Test
    void errorCodesAreTheCAbis() throws Exception {
        assertEquals(defines("ERROR_"), java(ErrorCode.values(), ErrorCode::number));
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code, ErrorCode.fromNumber(code.number()));
        }
    }

    @Test
    void elementTypesAreTheCAbisWithCoresSizesAndNames() throws Exception {
        assertEquals(defines("ELEMENT_"), java(ElementType.values(), ElementType::onnxType));
        NativeLibrary.ensureLoaded();
        for (ElementType type : ElementType.values()) {
            assertEquals(Native.elementTypeSize(type.onnxType()), type.size(), type + " size");
            assertEquals(Native.elementTypeName(type.onnxType()), type.onnxName(), type + " name");
            assertEquals(type, ElementType.fromOnnx(type.onnxType()));
        }
        assertEquals(0, Native.elementTypeSize(8), "string is no numeric type in core either");
    }

    @Test
    void valueKindsAndLevelsAreTheCAbis() throws Exception {
        assertEquals(defines("VALUE_KIND_"), java(ValueKind.values(), ValueKind::number));
        assertEquals(defines("OPTIMIZATION_"), java(OptimizationLevel.values(), OptimizationLevel::number));
        assertEquals(defines("LOG_"), java(LogLevel.values(), LogLevel::number));
    }
}
