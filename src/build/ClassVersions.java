import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Raises the class-file version of Java 5 classes in a jar to Java 6 (49 to 50), in place, so that
 * class-data sharing can archive them: the JVM never archives a class older than 50 and loads and
 * verifies it anew in every process (picocli ships as Java 5 classes: about 180 of them in every
 * {@code sortie} command). The two formats are the same; a version-50 class without a StackMapTable
 * is verified by the same type-inferring verifier as before. Run by install.sh as a source file:
 *
 * <pre>java src/build/ClassVersions.java JAR</pre>
 */
public final class ClassVersions {

    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java ClassVersions.java JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".versions");
        int raised = 0;
        // ZipFile reads the central directory: a file that is no jar fails here, instead of reading as no entries
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes;
                try (var entry = in.getInputStream(e)) {
                    bytes = entry.readAllBytes();
                }
                if (e.getName().endsWith(".class") && raise(bytes)) {
                    raised++;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println(raised);
    }

    /** Bytes 6-7 of a class file are its major version; true when it was below 50 and is 50 now. */
    static boolean raise(byte[] c) {
        boolean classFile = c.length > 8 && (c[0] & 0xff) == 0xca && (c[1] & 0xff) == 0xfe && (c[2] & 0xff) == 0xba && (c[3] & 0xff) == 0xbe;
        if (!classFile) {
            return false;
        }
        int major = (c[6] & 0xff) << 8 | (c[7] & 0xff);
        if (major >= JAVA_6 || major < 45) {
            return false;
        }
        c[6] = 0;
        c[7] = (byte) JAVA_6;
        return true;
    }

    private ClassVersions() {
    }
}
