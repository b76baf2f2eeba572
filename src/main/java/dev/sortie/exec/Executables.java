package dev.sortie.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a program on the PATH a command will run with. The JDK would look it up on Sortie's own
 * PATH instead, which is wrong when a step puts a different JDK first.
 */
public final class Executables {

    private Executables() {
    }

    public static Path resolve(String program, String path, Path workDir) throws IOException {
        if (program.contains("/")) {
            Path p = workDir.resolve(program);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
            throw new IOException(program + " is not an executable file (looked in " + workDir + ")");
        }
        if (path != null) {
            for (String dir : path.split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                    return p;
                }
            }
        }
        throw new IOException(program + ": command not found on PATH (" + path + ")");
    }
}
