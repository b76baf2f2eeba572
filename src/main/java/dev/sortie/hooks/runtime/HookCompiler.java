package dev.sortie.hooks.runtime;

import dev.sortie.compile.CompileException;
import dev.sortie.compile.SourceCompiler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiles a project's hook source in-process against Sortie's public hooks API only, and reports
 * javac's diagnostics with file, line, column and the source line.
 */
public final class HookCompiler {

    /** The only Sortie package hook code may use. */
    public static final String API_PACKAGE = "dev.sortie.hooks";

    private final SourceCompiler compiler;

    /** @param apiDir where the API's class files are extracted to form the compile classpath */
    public HookCompiler(Path apiDir) {
        this.compiler = new SourceCompiler(apiDir, List.of(API_PACKAGE));
    }

    /** Compiles {@code source} (named {@code fileName} in messages) into {@code outputDir}. */
    public void compile(String fileName, Path source, Path outputDir) throws HookCompileException, IOException {
        try {
            compiler.compile(List.of(source), outputDir, f -> fileName, fileName);
        } catch (CompileException e) {
            throw new HookCompileException(e.getMessage(), e.details());
        }
    }

    /** A SHA-256 of the API's class files as packaged in this Sortie. */
    static String apiFingerprint() throws IOException {
        return SourceCompiler.apiFingerprint(List.of(API_PACKAGE));
    }
}
