package dev.sortie.bots.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The report's and the dashboard's files, bundled in the jar beside this class. */
public final class Resources {

    private Resources() {
    }

    /** A bundled file's bytes; a missing one is a packaging bug, not the user's. */
    public static byte[] bytes(String name) {
        try (InputStream in = Resources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + name + " beside " + Resources.class.getName() + " (a broken build?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
