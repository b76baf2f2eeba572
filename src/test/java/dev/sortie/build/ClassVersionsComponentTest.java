package dev.sortie.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** install.sh's {@code src/build/ClassVersions.java}, run as install.sh runs it: Java 5 classes become Java 6, nothing else changes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassVersionsComponentTest {

    private static byte[] classFile(int major, String tail) {
        byte[] rest = tail.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] c = new byte[8 + rest.length];
        c[0] = (byte) 0xca;
        c[1] = (byte) 0xfe;
        c[2] = (byte) 0xba;
        c[3] = (byte) 0xbe;
        c[6] = (byte) (major >> 8);
        c[7] = (byte) major;
        System.arraycopy(rest, 0, c, 8, rest.length);
        return c;
    }

    @Test
    void raisesJavaFiveClassesOnlyAndKeepsEveryEntry(@TempDir Path dir) throws Exception {
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes());
        in.put("old/Five.class", classFile(49, "five"));
        in.put("old/Four.class", classFile(48, "four"));
        in.put("new/TwentyOne.class", classFile(65, "twenty-one"));
        in.put("data/not-a-class.class", "plain text".getBytes());
        Path jar = dir.resolve("app.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            for (var e : in.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path tool = Path.of("src/build/ClassVersions.java").toAbsolutePath();

        Proc.Result run = Proc.run(dir, Map.of(), 100, List.of(java, tool.toString(), jar.toString()));

        assertEquals(0, run.exit(), run.output());
        assertEquals("2", run.output().strip());
        Map<String, byte[]> out = read(jar);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.keySet()));
        assertArrayEquals(classFile(50, "five"), out.get("old/Five.class"));
        assertArrayEquals(classFile(50, "four"), out.get("old/Four.class"));
        assertArrayEquals(in.get("new/TwentyOne.class"), out.get("new/TwentyOne.class"));
        assertArrayEquals(in.get("data/not-a-class.class"), out.get("data/not-a-class.class"));
        assertArrayEquals(in.get("META-INF/MANIFEST.MF"), out.get("META-INF/MANIFEST.MF"));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(jar), left.toList(), "no temporary file is left beside the jar");
        }
    }

    @Test
    void aJarThatIsNotOneFailsAndIsLeftAsItWas(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        String java = ProcessHandle.current().info().command().orElseThrow();

        Proc.Result run = Proc.run(dir, Map.of(), 100, List.of(java, Path.of("src/build/ClassVersions.java").toAbsolutePath().toString(),
                jar.toString()));

        // an empty zip stream reads as no entries: the tool must not turn garbage into an empty jar
        assertEquals(1, run.exit(), run.output());
        assertEquals("not a zip", Files.readString(jar));
    }

    private static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }
}
