package dev.sortie.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Real parts the tests use. A missing one fails the test with what to install; it never skips silently. */
public final class Requirements {

    private Requirements() {
    }

    /** The path of a program, or an AssertionError that says how to install it. */
    public static String program(String name, String debianPackage) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " is required by this test but is not installed: apt-get install -y " + debianPackage
                + " (.ci/run installs it)");
    }

    public static String nginx() {
        return program("nginx", "nginx");
    }

    public static String git() {
        return program("git", "git");
    }

    public static String curl() {
        return program("curl", "curl");
    }
}
