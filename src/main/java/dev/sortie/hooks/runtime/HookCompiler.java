package dev.sortie.hooks.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a project's hook source in-process with {@code javax.tools}, against Sortie's public
 * hooks API only, and reports javac's diagnostics with file, line, column and the source line.
 */
public final class HookCompiler {

    /** The only Sortie package hook code may use. */
    public static final String API_PACKAGE = "dev.sortie.hooks";
    private static final List<String> API_CLASSES = List.of("DeployEnv", "HookException");

    private final Path apiDir;

    /** @param apiDir where the API's class files are extracted to form the compile classpath */
    public HookCompiler(Path apiDir) {
        this.apiDir = apiDir;
    }

    /** Compiles {@code source} (named {@code fileName} in messages) into {@code outputDir}. */
    public void compile(String fileName, Path source, Path outputDir) throws HookCompileException, IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new HookCompileException("cannot compile " + fileName + ": Sortie runs on a JRE without javac; install a JDK 21+",
                    List.of());
        }
        extractApi();
        Files.createDirectories(outputDir);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter javacOut = new StringWriter();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "21", "-classpath", apiDir.toString(), "-d", outputDir.toString(),
                    "-proc:none", "-g", "-parameters", "-implicit:none", "-Xlint:none", "-encoding", "UTF-8");
            ok = javac.getTask(javacOut, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
        }
        if (!ok) {
            List<String> lines = new ArrayList<>();
            List<String> sourceLines = Files.readAllLines(source, StandardCharsets.UTF_8);
            int errors = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                errors++;
                lines.addAll(format(fileName, d, sourceLines));
            }
            throw new HookCompileException(fileName + " does not compile (" + errors + (errors == 1 ? " error" : " errors") + ")", lines);
        }
    }

    static List<String> format(String fileName, Diagnostic<? extends JavaFileObject> d, List<String> sourceLines) {
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

    /** A SHA-256 of the API's class files as packaged in this Sortie. */
    static String apiFingerprint() throws IOException {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String name : API_CLASSES) {
                try (InputStream in = HookCompiler.class.getResourceAsStream("/" + API_PACKAGE.replace('.', '/') + "/" + name + ".class")) {
                    if (in == null) {
                        throw new IOException("the hooks API class " + name + " is missing from the Sortie build");
                    }
                    sha.update(in.readAllBytes());
                }
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the API's class files, as packaged in Sortie, under the API dir (once per Sortie version). */
    private void extractApi() throws IOException {
        Path pkg = apiDir.resolve(API_PACKAGE.replace('.', '/'));
        if (API_CLASSES.stream().allMatch(c -> Files.exists(pkg.resolve(c + ".class")))) {
            return;
        }
        Files.createDirectories(pkg);
        for (String name : API_CLASSES) {
            try (InputStream in = HookCompiler.class.getResourceAsStream("/" + API_PACKAGE.replace('.', '/') + "/" + name + ".class")) {
                if (in == null) {
                    throw new IOException("the hooks API class " + name + " is missing from the Sortie build");
                }
                Path tmp = pkg.resolve(name + ".class.tmp");
                Files.write(tmp, in.readAllBytes());
                Files.move(tmp, pkg.resolve(name + ".class"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
