package dev.sortie.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to run this same Sortie again: from git hooks and to start the daemon. */
final class Launcher {

    private Launcher() {
    }

    /** The installed {@code sortie} script when we were started through it, else java with our classpath. */
    static List<String> sortieCommand() {
        String launcher = System.getenv("SORTIE_LAUNCHER");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(Path.of(launcher).toAbsolutePath().toString());
        }
        return javaCommand(List.of());
    }

    /** {@code java [jvmOptions] -cp <our classpath> dev.sortie.cli.Main}. */
    static List<String> javaCommand(List<String> jvmOptions) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]).toAbsolutePath()
                + classPathRest());
        argv.add(Main.class.getName());
        return argv;
    }

    private static String classPathRest() {
        String[] parts = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            sb.append(java.io.File.pathSeparator).append(Path.of(parts[i]).toAbsolutePath());
        }
        return sb.toString();
    }

    static Path jdkHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
