package dev.sortie.hooks.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Compiled hooks on disk, keyed by a hash of the source and Sortie's version: an unchanged
 * {@code UpgradeHooks.java} is not compiled again. Every entry carries a manifest of its files'
 * hashes, written last; an entry without one, or whose files do not match it, is rebuilt, never loaded.
 */
public final class HookCache {

    static final String MANIFEST = "sortie-hooks.properties";

    /** Compiled classes ready to load. */
    public record Entry(Path classes, String className, boolean cached) {
    }

    private final Path root;
    private final String apiFingerprint;
    private final HookCompiler compiler;

    public HookCache(Path root) throws IOException {
        this.root = root;
        // the API's own bytes, not a version number: a rebuilt Sortie with a changed API never reuses old classes
        this.apiFingerprint = HookCompiler.apiFingerprint();
        this.compiler = new HookCompiler(root.resolve("api-" + apiFingerprint.substring(0, 16) + "-java" + Runtime.version().feature()));
    }

    /** The compiled form of {@code source}, from the cache or compiled now. */
    public Entry get(Path source, String fileName) throws IOException, HookCompileException {
        byte[] text = Files.readAllBytes(source);
        String key = key(text);
        Path dir = root.resolve(key);
        Entry cached = verified(dir);
        if (cached != null) {
            return cached;
        }
        deleteTree(dir); // missing manifest or files that do not match it: a partial or damaged entry
        Path tmp = Files.createDirectories(root).resolve(".tmp-" + key + "-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        try {
            compiler.compile(fileName, source, tmp.resolve("classes"));
            String className = topLevelClass(tmp.resolve("classes"), fileName);
            writeManifest(tmp, className);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(tmp);
        }
        Entry fresh = verified(dir);
        if (fresh == null) {
            throw new IOException("the hooks cache entry " + dir + " did not verify right after it was written");
        }
        return new Entry(fresh.classes(), fresh.className(), false);
    }

    String key(byte[] source) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source);
            sha.update(("\0api " + apiFingerprint + "\0java " + Runtime.version().feature()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Entry verified(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        String className = p.getProperty("class");
        Map<String, String> expected = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("file.")).forEach(k -> expected.put(k.substring(5), p.getProperty(k)));
        if (className == null || expected.isEmpty() || !expected.equals(hashes(dir.resolve("classes")))) {
            return null;
        }
        return new Entry(dir.resolve("classes"), className, true);
    }

    private static void writeManifest(Path dir, String className) throws IOException {
        Properties p = new Properties();
        p.setProperty("class", className);
        hashes(dir.resolve("classes")).forEach((file, hash) -> p.setProperty("file." + file, hash));
        try (var out = Files.newBufferedWriter(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            p.store(out, "compiled UpgradeHooks: class files and their SHA-256");
        }
    }

    private static Map<String, String> hashes(Path classes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(classes)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                out.put(classes.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The binary name of the top-level class named like the file ({@code UpgradeHooks}), in whatever package. */
    private static String topLevelClass(Path classes, String fileName) throws IOException, HookCompileException {
        String simple = Path.of(fileName).getFileName().toString().replaceFirst("\\.java$", "");
        try (Stream<Path> walk = Files.walk(classes)) {
            List<Path> found = walk.filter(f -> f.getFileName().toString().equals(simple + ".class")).toList();
            if (found.size() != 1) {
                throw new HookCompileException(fileName + " must declare a class named " + simple, List.of(
                        "e.g.  public class " + simple + " { public void before_deps(DeployEnv env) { ... } }"));
            }
            String rel = classes.relativize(found.getFirst()).toString();
            return rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
