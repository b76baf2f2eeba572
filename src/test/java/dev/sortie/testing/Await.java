package dev.sortie.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for tests that wait on real processes: it gives up with a message, never hangs. */
public final class Await {

    private Await() {
    }

    /**
     * Waits up to 60 s: far more than any condition takes on a quiet machine, so that a loaded CI machine (where a
     * JVM's start can take ten times as long) is slow, not red. The test's own @Timeout still bounds the whole.
     */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
