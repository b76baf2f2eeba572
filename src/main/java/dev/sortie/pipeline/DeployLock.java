package dev.sortie.pipeline;

import dev.sortie.config.Ownership;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The per-app deploy lock: an OS file lock, so it is released when the holder dies. The file
 * also says who holds it, so a waiting push can tell the pusher.
 */
public final class DeployLock implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * One lock per file within this JVM, taken before the file lock: a JVM cannot wait on its own file lock (a second
     * {@code FileChannel.lock} there throws OverlappingFileLockException), and the daemon takes it from several threads.
     */
    private static final ConcurrentHashMap<Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();

    private final FileChannel channel;
    private final FileLock lock;
    private final Semaphore local;

    private DeployLock(FileChannel channel, FileLock lock, Semaphore local) {
        this.channel = channel;
        this.lock = lock;
        this.local = local;
    }

    /**
     * Takes the lock, waiting for the current holder if there is one.
     *
     * @param holder  who we are, written into the lock file (e.g. "push of 3f2a9c1 by pid 1234")
     * @param waiting told once, with the holder's description, when we have to wait
     */
    public static DeployLock acquire(Path file, String holder, Consumer<String> waiting) throws IOException {
        Files.createDirectories(file.getParent());
        Semaphore local = IN_JVM.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Semaphore(1)); // not owned by a thread
        if (!local.tryAcquire()) {
            waiting.accept(describeHolder(file));
            try {
                local.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the deploy lock " + file);
            }
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Ownership.likeDir(file); // the app's own processes take it too when the app has its own user
            Ownership.groupWritable(file); // and the daemon's user's commands, when they have no right to chown
        } catch (IOException | RuntimeException e) {
            local.release();
            throw e;
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                waiting.accept(describeHolder(file));
                lock = channel.lock();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + " since " + TIME.format(Instant.now()) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new DeployLock(channel, lock, local);
        } catch (IOException | RuntimeException e) {
            channel.close();
            local.release();
            throw e;
        }
    }

    private static String describeHolder(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? "another deploy" : text;
        } catch (IOException e) {
            return "another deploy";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                local.release();
            }
        }
    }
}
