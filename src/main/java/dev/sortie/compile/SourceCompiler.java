package dev.sortie.compile;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles project sources in-process with {@code javax.tools} against the named Sortie API
 * packages only, and reports javac's errors with file, line, column, the source line and a caret.
 */
public final class SourceCompiler {

    private final Path apiDir;
    private final List<String> apiPackages;

    /** @param apiDir where the API's class files are extracted to form the compile classpath */
    public SourceCompiler(Path apiDir, List<String> apiPackages) {
        this.apiDir = apiDir;
        this.apiPackages = List.copyOf(apiPackages);
    }

    /**
     * Compiles {@code sources} into {@code outputDir}; messages name each file relative to {@code base}.
     */
    public void compile(Path base, List<Path> sources, Path outputDir) throws CompileException, IOException {
        compile(sources, outputDir, f -> display(base, f), sources.size() == 1 ? display(base, sources.get(0)) : sources.size() + " files in " + base);
    }

    /** Compiles {@code sources}; {@code names} gives each file's name in messages, {@code what} the whole. */
    public void compile(List<Path> sources, Path outputDir, Function<Path, String> names, String what)
            throws CompileException, IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new CompileException("cannot compile " + what + ": Sortie runs on a JRE without javac; install a JDK 21+", List.of());
        }
        extractApi();
        Files.createDirectories(outputDir);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter javacOut = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "21", "-classpath", apiDir.toString(), "-d", outputDir.toString(),
                    "-proc:none", "-g", "-parameters", "-implicit:none", "-Xlint:none", "-encoding", "UTF-8");
            ok = javac.getTask(javacOut, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        if (!ok) {
            List<String> lines = new ArrayList<>();
            Map<String, List<String>> sourceLines = new HashMap<>();
            int errors = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                errors++;
                Path file = d.getSource() == null ? null : Path.of(d.getSource().toUri());
                List<String> text = file == null ? List.of() : sourceLines.computeIfAbsent(file.toString(), f -> readLines(Path.of(f)));
                lines.addAll(format(file == null ? what : names.apply(file), d, text));
            }
            throw new CompileException(what + " does not compile (" + errors + (errors == 1 ? " error" : " errors") + ")", lines);
        }
    }

    private static String display(Path base, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path b = base.toAbsolutePath().normalize();
        return abs.startsWith(b) && !abs.equals(b) ? b.relativize(abs).toString() : file.getFileName().toString();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** One javac error as lines: {@code file:line:col: error: message}, the source line, a caret. */
    public static List<String> format(String fileName, Diagnostic<? extends JavaFileObject> d, List<String> sourceLines) {
        List<String> out = new ArrayList<>();
        long line = d.getLineNumber();
        long column = d.getColumnNumber();
        String message = d.getMessage(Locale.ROOT).lines().findFirst().orElse("");
        out.add(fileName + (line > 0 ? ":" + line + ":" + column : "") + ": error: " + message);
        if (line > 0 && line <= sourceLines.size()) {
            String text = sourceLines.get((int) line - 1).replace('\t', ' ');
            out.add("    " + text);
            if (column > 0) {
                out.add("    " + " ".repeat((int) Math.min(column - 1, text.length())) + "^");
            }
        }
        return out;
    }

    /** A SHA-256 over the API packages' class files as packaged in this Sortie. */
    public static String apiFingerprint(List<String> apiPackages) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> c : apiClasses(apiPackages).entrySet()) {
                sha.update(c.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(c.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every class file directly in the API packages (not sub-packages), by resource path, from Sortie's code source. */
    static Map<String, byte[]> apiClasses(List<String> apiPackages) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        Path location;
        try {
            location = Path.of(SourceCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("cannot find Sortie's own classes to compile against: " + e);
        }
        for (String pkg : apiPackages) {
            String prefix = pkg.replace('.', '/') + "/";
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(prefix))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                        out.put(prefix + f.getFileName(), Files.readAllBytes(f));
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry e : Collections.list(jar.entries())) {
                        String n = e.getName();
                        if (n.startsWith(prefix) && n.endsWith(".class") && n.indexOf('/', prefix.length()) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                out.put(n, in.readAllBytes());
                            }
                        }
                    }
                }
            }
            if (out.keySet().stream().noneMatch(k -> k.startsWith(prefix))) {
                throw new IOException("the API package " + pkg + " is missing from the Sortie build at " + location);
            }
        }
        return out;
    }

    /** Writes the API's class files under the API dir once; each file lands whole (temp file, then rename). */
    private void extractApi() throws IOException {
        for (Map.Entry<String, byte[]> c : apiClasses(apiPackages).entrySet()) {
            Path target = apiDir.resolve(c.getKey());
            if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), c.getValue())) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp" + ProcessHandle.current().pid());
            Files.write(tmp, c.getValue());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
