package dev.sortie.nginx;

import dev.sortie.exec.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotates the managed nginx's {@code access.log} and {@code error.log} by size: renamed to
 * {@code .1} (older copies shifted up to {@code keep}), then {@code nginx -s reopen}. nginx keeps
 * writing to the renamed file until it reopens, so no line is lost.
 */
public final class NginxLogRotation {

    static final List<String> LOGS = List.of("access.log", "error.log");

    private final ManagedNginx nginx;
    private final long maxBytes;
    private final int keep;

    public NginxLogRotation(ManagedNginx nginx, long maxBytes, int keep) {
        this.nginx = nginx;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** Rotates each log past its limit, and has nginx reopen if it runs; returns the logs it rotated. */
    public List<Path> rotateIfDue() throws IOException {
        List<Path> rotated = new ArrayList<>();
        for (String name : LOGS) {
            Path log = nginx.prefix().resolve("logs").resolve(name);
            if (size(log) > maxBytes) {
                shift(log);
                rotated.add(log);
            }
        }
        if (!rotated.isEmpty() && nginx.isRunning()) {
            try {
                nginx.reopen();
            } catch (CommandFailedException e) {
                throw new IOException("nginx -s reopen failed after rotating " + rotated + ": " + e.getMessage(), e);
            }
        }
        return rotated;
    }

    private void shift(Path log) throws IOException {
        if (keep == 0) {
            Files.deleteIfExists(log);
            return;
        }
        Files.deleteIfExists(rotated(log, keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(log, i))) {
                Files.move(rotated(log, i), rotated(log, i + 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(log, rotated(log, 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Path rotated(Path log, int n) {
        return log.resolveSibling(log.getFileName() + "." + n);
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }
}
