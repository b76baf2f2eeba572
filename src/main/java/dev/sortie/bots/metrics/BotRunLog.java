package dev.sortie.bots.metrics;

import dev.sortie.bots.tree.Outcome;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bot_run.log}: one line per action run, written by one background thread so bots only pay
 * for an enqueue into a lock-free ring ({@link LogRing}). A line looks like
 * <pre>2026-11-21T10:15:30.123Z info bot_id=12 action="GET /api/notes" outcome=succeed duration=3.412ms</pre>
 * and errors add {@code reason="..."}; {@code lnav/sortie_bots.json} teaches lnav the format.
 */
public final class BotRunLog implements ActionSink {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Lines taken from the ring per turn of the writer. */
    private static final int BATCH = 4096;

    private final Path file;
    private final LogRing ring = new LogRing(1 << 16);
    private final Thread writer;
    private volatile boolean closing;
    private volatile IOException failure;
    private final LongAdder dropped = new LongAdder();

    private BotRunLog(Path file, Writer out) {
        this.file = file;
        this.writer = Thread.ofPlatform().daemon().name("bot-run-log").start(() -> drain(out));
    }

    /** Opens the log file, emptying it: one file holds one run, so lnav's figures are that run's. */
    public static BotRunLog open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), StandardCharsets.UTF_8), 1 << 16);
        return new BotRunLog(file, out);
    }

    public Path file() {
        return file;
    }

    @Override
    public void actionRan(long botId, String action, Outcome outcome, long nanos) {
        String reason = switch (outcome) {
            case Outcome.Error e -> e.reason();
            case Outcome.Fail f -> f.reason();
            default -> null;
        };
        append(botId, action, outcome.label(), reason, nanos);
    }

    /** Queues a line, without a lock; waits only if the writer is 65,536 lines behind (so nothing is dropped). */
    public void append(long botId, String action, String outcome, String reason, long nanos) {
        if (failure != null) {
            dropped.increment(); // the file cannot be written: bots go on, the lines are counted
            return;
        }
        ring.put(System.currentTimeMillis(), botId, action, outcome, reason, nanos);
    }

    private void drain(Writer out) {
        Formatter lines = new Formatter();
        try (out) {
            while (true) {
                // Drain on a clock rather than waking for every line: bots never pay for a wake-up,
                // and the file gets one write per batch instead of one per handful of lines.
                int n = ring.drain(lines, BATCH);
                if (n > 0) {
                    out.append(lines.text);
                    lines.text.setLength(0);
                }
                if (n < BATCH) {
                    out.flush();
                    if (closing && ring.pending() == 0) {
                        return;
                    }
                    Thread.sleep(10);
                }
            }
        } catch (IOException e) {
            failure = e;
            discard(); // bots waiting on a full ring go on; appends are dropped from now on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After a write failed: takes and counts the lines still coming until the log is closed. */
    private void discard() {
        LogRing.Reader count = (millis, botId, action, outcome, reason, nanos) -> dropped.increment();
        while (true) {
            if (ring.drain(count, BATCH) < BATCH) {
                if (closing && ring.pending() == 0) {
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The writer's formatting of the lines it takes, into one buffer per batch. */
    private static final class Formatter implements LogRing.Reader {
        final StringBuilder text = new StringBuilder(1 << 16);
        final Clock clock = new Clock();

        @Override
        public void line(long epochMillis, long botId, String action, String outcome, String reason, long nanos) {
            format(text, clock, epochMillis, botId, action, outcome, reason, nanos);
        }
    }

    /** Why lines are not being written (e.g. the disk is full), or null. */
    public IOException failure() {
        return failure;
    }

    /** The writer's cached "yyyy-MM-ddTHH:mm:ss." of the last second it formatted: one formatter call per second, not per line. */
    private static final class Clock {
        long second = Long.MIN_VALUE;
        String prefix;

        void append(StringBuilder line, long epochMillis) {
            long s = Math.floorDiv(epochMillis, 1000);
            if (s != second) {
                second = s;
                String full = TIME.format(Instant.ofEpochMilli(s * 1000));
                prefix = full.substring(0, full.length() - 4); // drop "000Z"
            }
            int ms = (int) Math.floorMod(epochMillis, 1000);
            line.append(prefix);
            if (ms < 100) {
                line.append(ms < 10 ? "00" : "0");
            }
            line.append(ms).append('Z');
        }
    }

    static void format(StringBuilder line, long epochMillis, long botId, String action, String outcome, String reason, long nanos) {
        format(line, new Clock(), epochMillis, botId, action, outcome, reason, nanos);
    }

    private static void format(StringBuilder line, Clock clock, long epochMillis, long botId, String action, String outcome, String reason,
            long nanos) {
        clock.append(line, epochMillis);
        line.append(switch (outcome) {
            case "error" -> " error";
            case "fail" -> " warning";
            default -> " info";
        });
        line.append(" bot_id=").append(botId).append(" action=");
        quote(line, action);
        line.append(" outcome=").append(outcome).append(" duration=");
        long micros = nanos / 1_000;
        line.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            line.append(frac < 10 ? "00" : "0");
        }
        line.append(frac).append("ms");
        if (reason != null) {
            line.append(" reason=");
            quote(line, reason);
        }
        line.append('\n');
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c < 0x20 ? ' ' : c);
            }
        }
        out.append('"');
    }

    /** Writes everything queued so far and closes the file. */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IOException("could not write " + file + " (" + dropped.sum() + " lines lost): " + failure.getMessage(), failure);
        }
    }
}
