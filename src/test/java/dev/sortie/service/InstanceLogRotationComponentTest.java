package dev.sortie.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real process writing more than a megabyte through the supervisor's pump, with a 256 KB limit. */
@Timeout(60)
class InstanceLogRotationComponentTest {

    static final long LIMIT = 256 * 1024;
    /** 24,000 lines of 48 bytes: about 1.1 MB. */
    static final int LINES = 24_000;
    /** A file may pass the limit by the rest of a line it had begun. */
    static final int LINE = 48;

    @TempDir
    Path dir;

    InstanceSpec writer(String release) throws IOException {
        Path work = Files.createDirectories(dir.resolve("work-" + release));
        // the lines, then stay up (an exit would be restarted and write them again)
        String program = "awk 'BEGIN { for (i = 1; i <= " + LINES + "; i++) printf \"line %06d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n\", i }';"
                + " echo done; exec sleep 300";
        return new InstanceSpec("app", release, work.toString(), List.of("/bin/sh", "-c", program), Map.of("PATH", "/usr/bin:/bin"), 4567,
                dir.resolve("logs").resolve(release + ".log").toString());
    }

    /** The log and its rotated copies, oldest first. */
    static List<Path> files(InstanceSpec spec, int keep) {
        Path log = Path.of(spec.logFile());
        List<Path> out = new ArrayList<>();
        for (int i = keep; i >= 1; i--) {
            Path rotated = RotatingLog.rotated(log, i);
            if (Files.exists(rotated)) {
                out.add(rotated);
            }
        }
        out.add(log);
        return out;
    }

    static List<String> lines(List<Path> files) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                out.addAll(Files.readAllLines(f));
            } catch (IOException e) {
                // rotated meanwhile: the next look reads it under its new name
            }
        }
        return out;
    }

    static boolean finished(InstanceSpec spec, int keep) {
        try {
            return Files.exists(Path.of(spec.logFile())) && Files.readString(Path.of(spec.logFile())).contains("done\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void withRoomForEverythingNoLineIsLostNorSplitAndEveryFileStaysWithinTheLimit() throws Exception {
        int keep = 5;
        InstanceSpec spec = writer("roomy");
        try (Supervisor s = new Supervisor(null, new LogRotation(LIMIT, keep))) {
            s.start(spec);
            Await.until("the writer to finish", () -> finished(spec, keep));
            List<Path> files = files(spec, keep);
            assertEquals(5, files.size(), "1.1 MB in files of 256 KB: " + files);
            for (Path f : files) {
                assertTrue(Files.size(f) <= LIMIT + LINE, f + " has " + Files.size(f) + " bytes");
            }
            List<String> app = lines(files).stream().filter(l -> l.startsWith("line ")).toList();
            assertEquals(LINES, app.size(), "lines kept");
            for (int i = 0; i < LINES; i++) {
                assertEquals(String.format("line %06d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i + 1), app.get(i), "line " + (i + 1) + " in order, whole");
            }
            s.stopAll(Duration.ofSeconds(2));
        }
    }

    @Test
    void withLessRoomTheOldestFilesGoAndTheNewestLinesAreAllThere() throws Exception {
        int keep = 2;
        InstanceSpec spec = writer("tight");
        try (Supervisor s = new Supervisor(null, new LogRotation(LIMIT, keep))) {
            s.start(spec);
            Await.until("the writer to finish", () -> finished(spec, keep));
            assertFalse(Files.exists(RotatingLog.rotated(Path.of(spec.logFile()), keep + 1)));
            List<Path> files = files(spec, keep);
            assertEquals(keep + 1, files.size(), files.toString());
            long total = 0;
            for (Path f : files) {
                total += Files.size(f);
                assertTrue(Files.size(f) <= LIMIT + LINE, f + " has " + Files.size(f) + " bytes");
            }
            assertTrue(total > 2 * LIMIT, "the files are full: " + total);
            List<String> app = lines(files).stream().filter(l -> l.startsWith("line ")).toList();
            int first = Integer.parseInt(app.getFirst().substring(5, 11));
            assertEquals(LINES - first + 1, app.size(), "every line from the oldest kept one on");
            assertEquals(String.format("line %06d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", LINES), app.getLast());
            s.stopAll(Duration.ofSeconds(2));
        }
    }
}
