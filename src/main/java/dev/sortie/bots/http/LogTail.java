package dev.sortie.bots.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log that may still be growing, read backwards from its end so a big log costs only what is returned. */
final class LogTail {

    private static final int CHUNK = 64 * 1024;
    private static final int MOST_BYTES = 16 * 1024 * 1024;

    private LogTail() {
    }

    /** Up to {@code count} complete lines (a last line still being written is left out), each ending in a newline. */
    static String lastLines(Path file, int count) throws IOException {
        byte[] tail = new byte[0];
        int newlines = 0;
        long from;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            from = in.size();
            // one newline more than asked for: the one before the first line returned
            while (from > 0 && newlines <= count && tail.length < MOST_BYTES) {
                int n = (int) Math.min(CHUNK, from);
                from -= n;
                ByteBuffer chunk = ByteBuffer.allocate(n);
                while (chunk.hasRemaining() && in.read(chunk, from + chunk.position()) >= 0) {
                    // a positional read may return less than asked; keep reading until the chunk is full
                }
                newlines += newlines(chunk.array());
                byte[] joined = Arrays.copyOf(chunk.array(), n + tail.length);
                System.arraycopy(tail, 0, joined, n, tail.length);
                tail = joined;
            }
        }
        String text = new String(tail, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return "";
        }
        List<String> lines = List.of(text.substring(0, end).split("\n", -1));
        // unless the file was read from its start, the first piece may be the end of a longer line
        int first = Math.max(from > 0 ? 1 : 0, lines.size() - count);
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(Math.min(first, lines.size()), lines.size())) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static int newlines(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
