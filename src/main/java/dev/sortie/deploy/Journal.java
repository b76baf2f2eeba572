package dev.sortie.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sortie.pipeline.DeployEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One deploy's append-only journal, {@code deploys/<id>.jsonl}: a JSON line per {@link DeployEvent}.
 * Intents and the end of a deploy are fsynced ({@link #appendDurably}); reading skips a torn last
 * line (a writer killed mid-line), so a crash never makes a journal unreadable.
 */
public final class Journal implements Consumer<DeployEvent>, AutoCloseable {

    /** One line of a journal: when it was written and what happened. */
    public record Line(Instant at, DeployEvent event) {
    }

    /** The JSON form of deploy events and states, for the journal and the daemon's deploy ops alike. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private final Path file;
    private final FileChannel channel;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens a journal for appending, creating it (and its directory) if needed. */
    public static Journal open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        Journal journal = new Journal(file, channel);
        journal.repairTornTail();
        return journal;
    }

    public Path file() {
        return file;
    }

    /** Appends an event; the OS has it at once (a follower sees it), the disk soon. */
    @Override
    public void accept(DeployEvent event) {
        try {
            write(event, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deploy journal " + file, e);
        }
    }

    /** Appends an event and waits until it is on disk: for intents and for the end of a deploy. */
    public void appendDurably(DeployEvent event) throws IOException {
        write(event, true);
    }

    private synchronized void write(DeployEvent event, boolean sync) throws IOException {
        byte[] line = (JSON.writeValueAsString(new Line(Instant.now(), event)) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        if (sync) {
            channel.force(false);
        }
    }

    /** A writer killed mid-line leaves a line without its newline: end it, so the next event starts a line of its own. */
    private void repairTornTail() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            if (last.get(0) != '\n') {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
        }
    }

    /** Every whole, readable line of a journal; a torn or garbled line is skipped. Empty when there is no journal. */
    public static List<Line> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Line> lines = new ArrayList<>();
        parse(bytes, 0, bytes.length, lines::add);
        return lines;
    }

    /** The events of a journal, in order. */
    public static List<DeployEvent> events(Path file) throws IOException {
        return read(file).stream().map(Line::event).toList();
    }

    /**
     * Parses the complete lines in {@code bytes[from, to)}; returns the offset just past the last
     * complete line, where the next read should start (a partial line is read again once whole).
     */
    static int parse(byte[] bytes, int from, int to, Consumer<Line> out) {
        int start = from;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                if (i > start) {
                    parseLine(bytes, start, i).ifPresent(out);
                }
                start = i + 1;
            }
        }
        return start;
    }

    private static Optional<Line> parseLine(byte[] bytes, int from, int to) {
        try {
            return Optional.of(JSON.readValue(bytes, from, to - from, Line.class));
        } catch (IOException e) {
            return Optional.empty(); // a line torn by a crash, then ended by the next writer
        }
    }

    /** Reads a journal as it grows, from the start: each call returns the lines completed since the last one. */
    public static final class Follower {
        private final Path file;
        private long offset;

        public Follower(Path file) {
            this.file = file;
        }

        public List<Line> poll() throws IOException {
            List<Line> lines = new ArrayList<>();
            byte[] chunk;
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(offset);
                chunk = in.readAllBytes();
            } catch (NoSuchFileException e) {
                return lines;
            }
            offset += parse(chunk, 0, chunk.length, lines::add);
            return lines;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
