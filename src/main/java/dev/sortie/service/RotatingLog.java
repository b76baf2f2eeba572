package dev.sortie.service;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One instance log, rotated by size with copy-truncate (logrotate's {@code copytruncate}): the app writes the
 * file itself, through a descriptor opened with {@code O_APPEND}, so the file is copied to {@code <name>.1}
 * (older copies shifted up to {@code <name>.keep}, anything beyond deleted) and then truncated to 0; the app's
 * next write lands at the new end of the file, with no hole before it.
 *
 * <p>What this costs, honestly: a line written in the instant between the last look at the size and the
 * truncate is lost (the copy goes on while the file grows, so that instant is short), and a rotation falls
 * wherever the file ends, so a line the app writes in several pieces can be split across two files. In
 * exchange no daemon is in the app's data path: the app keeps its log when the daemon is gone.
 */
final class RotatingLog {

    /** Copy rounds before truncating anyway: an app that writes faster than the copy must not hold the rotation off forever. */
    static final int ROUNDS = 8;

    private final Path file;
    private final LogRotation rotation;

    RotatingLog(Path file, LogRotation rotation) {
        this.file = file;
        this.rotation = rotation;
    }

    /** Rotates the log if it is over the limit; returns whether it did. A missing log is empty. */
    boolean rotateIfDue() throws IOException {
        try {
            if (Files.size(file) <= rotation.maxBytes()) {
                return false;
            }
            rotate();
            return true;
        } catch (NoSuchFileException e) {
            return false; // gone meanwhile (pruned with its release): nothing to rotate
        }
    }

    /**
     * Copies the log to {@code <name>.rotating}, truncates it, then shifts the rotated copies and renames the copy
     * to {@code <name>.1}: the truncate follows the copy's last look at once, the renames wait until after it.
     */
    void rotate() throws IOException {
        if (rotation.keep() == 0) {
            try (FileChannel live = FileChannel.open(file, StandardOpenOption.WRITE)) {
                live.truncate(0);
            }
            return;
        }
        Path copy = file.resolveSibling(file.getFileName() + ".rotating");
        try (FileChannel live = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            copyWhileGrowing(live, out);
            live.truncate(0);
        }
        int beyond = rotation.keep(); // .keep goes, and any copies past it a larger keep left
        while (Files.deleteIfExists(rotated(file, beyond))) {
            beyond++;
        }
        for (int i = rotation.keep() - 1; i >= 1; i--) {
            if (Files.exists(rotated(file, i))) {
                Files.move(rotated(file, i), rotated(file, i + 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(copy, rotated(file, 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies up to the current size, looks again and copies what was added, until two looks agree (or {@link #ROUNDS}). */
    private static void copyWhileGrowing(FileChannel live, FileChannel out) throws IOException {
        long copied = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long size = live.size();
            if (size <= copied) {
                return;
            }
            while (copied < size) {
                long n = live.transferTo(copied, size - copied, out);
                if (n <= 0) {
                    return; // truncated by someone else meanwhile
                }
                copied += n;
            }
        }
    }

    static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
