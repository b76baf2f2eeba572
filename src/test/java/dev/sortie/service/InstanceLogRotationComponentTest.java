package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copy-truncate under a real writer: a Java program writing 200 lines of 51 bytes every 10 ms (about 1 MB/s, one
 * {@code write} per line) to its log, which is its stdout, with a 64 KB limit and 3 rotated files kept. A watcher
 * hard-links every rotated copy while it is there, so every line the app wrote can be accounted for, even those
 * whose copy a later rotation deleted.
 */
@Timeout(90)
class InstanceLogRotationComponentTest {

    static final long LIMIT = 64 * 1024;
    static final int KEEP = 3;
    static final Duration CHECK = Duration.ofMillis(100);
    static final int BATCH = 200;
    static final int BATCHES = 300;
    static final int LINE = 51;
    /** The most one check interval can add: a batch every 10 ms at most. */
    static final long PER_INTERVAL = CHECK.toMillis() / 10 * BATCH * LINE;
    /** A check may come late (a loaded machine, a rotation of another file): a few intervals' slack. */
    static final long BOUND = LIMIT + 4 * PER_INTERVAL;
    static final Pattern APP_LINE = Pattern.compile("line (\\d{8}) x{36}");

    static final String WRITER = """
            import java.io.FileDescriptor;
            import java.io.FileOutputStream;
            import java.nio.charset.StandardCharsets;

            public class Writer {
                public static void main(String[] args) throws Exception {
                    FileOutputStream out = new FileOutputStream(FileDescriptor.out);
                    long n = 0;
                    for (int b = 0; b < %d; b++) {
                        for (int i = 0; i < %d; i++) {
                            out.write(String.format("line %%08d %%s%%n", ++n, "x".repeat(36)).getBytes(StandardCharsets.US_ASCII));
                        }
                        Thread.sleep(10);
                    }
                    Thread.sleep(500); // past any rotation the last batch made due, so that this line cannot fall in one
                    out.write("done\\n".getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(300_000); // an exit would be restarted and write everything again
                }
            }
            """.formatted(BATCHES, BATCH);

    @TempDir
    Path dir;

    private InstanceSpec writer() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("Writer.java"), WRITER);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new InstanceSpec("app", "writer", work.toString(), List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "Writer.java"),
                Map.of("PATH", "/usr/bin:/bin"), 4567, dir.resolve("logs").resolve("writer.log").toString());
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Whether the writer's last line is in {@code content} (after a hole too, so that a hole fails below, not here). */
    private static boolean done(byte[] content) {
        return new String(content, StandardCharsets.US_ASCII).contains("done\n");
    }

    /** The number of the first app line in a file, or 0. */
    private static long firstLine(Path file) {
        Matcher m = APP_LINE.matcher(new String(bytes(file), StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("line ")).findFirst().orElse(""));
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Hard-links each rotated copy not linked before (by inode): a copy is {@code .1} to {@code .keep} for
     * {@code keep} rotations, far longer than between two looks, so none goes unseen. Returns whether one of
     * them has the writer's last line.
     */
    private static boolean capture(Path log, Path seen, Set<Object> inodes, List<Path> captured) throws IOException {
        boolean done = false;
        for (int i = 1; i <= KEEP; i++) {
            Path link = seen.resolve(Integer.toString(inodes.size()) + "-" + i);
            try {
                Files.createLink(link, RotatingLog.rotated(log, i));
            } catch (NoSuchFileException e) {
                continue; // not there (yet), or caught between two renames: a later look links it
            }
            if (inodes.add(Files.getAttribute(link, "unix:ino"))) {
                captured.add(link);
                done |= done(bytes(link));
            } else {
                Files.delete(link);
            }
        }
        return done;
    }

    @Test
    void theLogsStayBoundedEveryLineIsWholeAndInOrderAndAlmostNoneIsLost() throws Exception {
        InstanceSpec spec = writer();
        Path log = Path.of(spec.logFile());
        Path seen = Files.createDirectories(dir.resolve("seen"));
        List<Path> captured = new ArrayList<>();
        Set<Object> inodes = new HashSet<>();
        long biggest = 0;
        try (Supervisor s = new Supervisor(null, new LogRotation(LIMIT, KEEP), CHECK)) {
            s.start(spec);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean finished = false;
            while (!finished) {
                assertTrue(System.nanoTime() < deadline, "the writer should finish within 60s; " + captured.size() + " rotations so far");
                byte[] live = bytes(log);
                biggest = Math.max(biggest, live.length);
                assertFalse(Files.exists(RotatingLog.rotated(log, KEEP + 1)), "at most " + KEEP + " rotated files");
                finished = capture(log, seen, inodes, captured) | done(live);
                Thread.sleep(10);
            }
            Thread.sleep(CHECK.multipliedBy(3).toMillis()); // a last rotation, if one was due
            capture(log, seen, inodes, captured);
            s.stopAll(Duration.ofSeconds(2));
        }
        assertTrue(captured.size() >= 10, "about 3 MB through a 64 KB limit rotates many times: " + captured.size());
        List<Path> files = new ArrayList<>(captured);
        files.sort(Comparator.comparingLong(InstanceLogRotationComponentTest::firstLine));
        files.add(log);
        long expected = (long) BATCH * BATCHES;
        long lines = 0;
        long previous = 0;
        long lostAtTruncates = 0;
        for (Path f : files) {
            boolean firstInFile = true;
            byte[] content = Files.readAllBytes(f);
            assertTrue(content.length <= BOUND, f + " has " + content.length + " bytes, more than " + BOUND);
            for (byte b : content) {
                assertTrue(b != 0, f + " has a zero byte: a truncate made a hole");
            }
            String text = new String(content, StandardCharsets.US_ASCII);
            assertTrue(text.isEmpty() || text.endsWith("\n"), f + " ends in the middle of a line");
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("[sortie ")) {
                    continue;
                }
                long n;
                if (line.equals("done")) {
                    n = expected + 1; // after the last batch: the last batch can be lost at a truncate like any other
                } else {
                    Matcher m = APP_LINE.matcher(line);
                    assertTrue(m.matches(), "a torn line in " + f + ": " + line);
                    n = Long.parseLong(m.group(1));
                }
                assertTrue(n > previous, "line " + n + " in " + f + " comes after line " + previous);
                assertTrue(firstInFile || n == previous + 1, "lines " + (previous + 1) + " to " + (n - 1) + " are missing inside " + f
                        + ": a line can only be lost at a truncate");
                if (firstInFile) {
                    lostAtTruncates += n - previous - 1;
                    firstInFile = false;
                }
                previous = n;
                lines += n <= expected ? 1 : 0;
            }
        }
        assertEquals(expected + 1, previous, "the writer's done line is there, after every app line");
        long lost = expected - lines;
        assertEquals(lost, lostAtTruncates, "lines lost, all between two files");
        System.out.printf("copy-truncate: %d lines written, %d lost, %d rotations, live log at most %d bytes (bound %d)%n",
                expected, lost, captured.size(), biggest, BOUND);
        assertTrue(biggest <= BOUND, "the live log reached " + biggest + " bytes, more than " + BOUND);
        assertTrue(lost <= expected / 100, lost + " of " + expected + " lines lost");
        assertFalse(Files.exists(RotatingLog.rotated(log, KEEP + 1)));
    }

    @Test
    void aRotationShiftsTheCopiesAndDropsThoseBeyondKeepEvenFromALargerKeep() throws Exception {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("r.log");
        for (int i = 1; i <= 5; i++) {
            Files.writeString(RotatingLog.rotated(log, i), "old " + i + "\n");
        }
        Files.writeString(log, "x".repeat(100) + "\n");
        RotatingLog rotating = new RotatingLog(log, new LogRotation(100, 2));
        assertTrue(rotating.rotateIfDue());
        assertEquals(0, Files.size(log), "truncated, not replaced");
        assertEquals("x".repeat(100) + "\n", Files.readString(RotatingLog.rotated(log, 1)));
        assertEquals("old 1\n", Files.readString(RotatingLog.rotated(log, 2)));
        for (int i = 3; i <= 5; i++) {
            assertFalse(Files.exists(RotatingLog.rotated(log, i)), RotatingLog.rotated(log, i) + " is beyond keep 2");
        }
        assertFalse(Files.exists(log.resolveSibling("r.log.rotating")));
        assertFalse(rotating.rotateIfDue(), "an empty log is not due");
    }

    @Test
    void aLogTruncatedUnderAnAppendingWriterHasNoHole() throws Exception {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("h.log");
        try (var out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            out.write("a".repeat(200).getBytes(StandardCharsets.US_ASCII));
            new RotatingLog(log, new LogRotation(100, 1)).rotate();
            out.write("after\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals("after\n", Files.readString(log), "the write after the truncate lands at offset 0");
        assertEquals("a".repeat(200), Files.readString(RotatingLog.rotated(log, 1)));
    }
}
