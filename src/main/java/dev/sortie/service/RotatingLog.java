package dev.sortie.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One instance log, appended to by the supervisor's pump and its own notes, rotated by size:
 * {@code <name>} becomes {@code <name>.1}, {@code .1} becomes {@code .2}, and so on up to
 * {@code keep}. A rotation falls on a line break, so no line is split across two files. Writes are serialised; the file is opened for each write, so nothing holds a
 * descriptor to a log that was rotated or pruned meanwhile.
 */
final class RotatingLog {

    private final Path file;
    private final LogRotation rotation;
    /** Whether the live file ends at a line break; null until first needed. */
    private Boolean endsWithNewline;

    RotatingLog(Path file, LogRotation rotation) {
        this.file = file;
        this.rotation = rotation;
    }

    Path file() {
        return file;
    }

    /**
     * Appends {@code len} bytes, rotating at a line break: a line already begun is finished in its file
     * first, and a file is only ever longer than the limit by that line (or by one line longer than the limit).
     */
    synchronized void write(byte[] bytes, int off, int len) throws IOException {
        while (len > 0) {
            long size = size();
            if (size + len <= rotation.maxBytes()) {
                append(bytes, off, len);
                return;
            }
            boolean midLine = size > 0 && !endsWithNewline();
            int cut = midLine ? firstNewline(bytes, off, len) : lastNewline(bytes, off, (int) Math.min(len, rotation.maxBytes() - size));
            if (cut < 0) {
                if (size == 0 || midLine) {
                    append(bytes, off, len); // one long line: it stays whole
                    return;
                }
                rotate();
                continue;
            }
            int head = cut - off + 1;
            append(bytes, off, head);
            off += head;
            len -= head;
            rotate();
        }
    }

    /** Copies {@code in} to the log until it ends (the process exited, or its pipe was closed). */
    void pump(InputStream in) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n > 0) {
                write(buffer, 0, n);
            }
        }
    }

    private long size() throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static int firstNewline(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean endsWithNewline() throws IOException {
        if (endsWithNewline == null) {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                endsWithNewline = in.size() == 0 || in.read(last, in.size() - 1) == 1 && last.get(0) == '\n';
            } catch (NoSuchFileException e) {
                endsWithNewline = true;
            }
        }
        return endsWithNewline;
    }

    private static int lastNewline(byte[] bytes, int off, int len) {
        for (int i = off + len - 1; i >= off; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(byte[] bytes, int off, int len) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, off, len);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
        endsWithNewline = bytes[off + len - 1] == '\n';
    }

    private void rotate() throws IOException {
        shift(file, rotation.keep());
        endsWithNewline = true;
    }

    /** {@code name.keep} is dropped, every {@code name.i} becomes {@code name.(i+1)}, and {@code name} becomes {@code name.1}. */
    static void shift(Path file, int keep) throws IOException {
        if (keep == 0) {
            Files.deleteIfExists(file);
            return;
        }
        Files.deleteIfExists(rotated(file, keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(file, i))) {
                Files.move(rotated(file, i), rotated(file, i + 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(file)) {
            Files.move(file, rotated(file, 1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
