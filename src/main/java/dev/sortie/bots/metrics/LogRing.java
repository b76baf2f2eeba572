package dev.sortie.bots.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock-free queue between the bots and {@code bot_run.log}'s writer: a bounded ring of lines
 * that many threads put into and one thread takes from (D. Vyukov's bounded queue, with many
 * producers and one consumer). A bot claims a slot with one fetch-and-add and publishes it with a
 * release store of the slot's sequence number; no lock, and the line's fields live in parallel
 * arrays, so a line allocates nothing. A bot whose slot still holds a line from the last lap waits
 * (spins, yields, then parks) until the writer has taken it: nothing is dropped.
 */
final class LogRing {

    /** Takes one line out of the ring. */
    @FunctionalInterface
    interface Reader {
        void line(long epochMillis, long botId, String action, String outcome, String reason, long nanos);
    }

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int SPINS = 64;
    private static final int YIELDS = SPINS + 256;
    private static final long PARK_NANOS = 50_000;

    private final int capacity;
    private final int mask;
    /** Per slot: {@code t} when free for ticket t, {@code t + 1} once ticket t's line is in it. */
    private final long[] seq;
    private final long[] epochMillis;
    private final long[] botIds;
    private final long[] nanos;
    private final String[] actions;
    private final String[] outcomes;
    private final String[] reasons;
    private final AtomicLong tail = new AtomicLong();
    /** The next ticket to take; the consumer's alone. */
    private long head;

    /** @param capacity lines it holds before a bot waits; a power of two */
    LogRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("the capacity must be a power of two, got " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.seq = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            seq[i] = i;
        }
        this.epochMillis = new long[capacity];
        this.botIds = new long[capacity];
        this.nanos = new long[capacity];
        this.actions = new String[capacity];
        this.outcomes = new String[capacity];
        this.reasons = new String[capacity];
    }

    /** Puts a line in; any thread. Waits only while the ring is full. */
    void put(long epochMillis, long botId, String action, String outcome, String reason, long nanos) {
        long t = tail.getAndIncrement();
        int i = (int) t & mask;
        int spins = 0;
        while ((long) SEQ.getAcquire(seq, i) != t) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else if (spins < YIELDS || Thread.currentThread().isInterrupted()) {
                Thread.yield(); // let the writer run: a timed park oversleeps on a busy machine
            } else {
                LockSupport.parkNanos(PARK_NANOS); // more bots than cores are waiting: stop spinning
            }
        }
        this.epochMillis[i] = epochMillis;
        this.botIds[i] = botId;
        this.nanos[i] = nanos;
        this.actions[i] = action;
        this.outcomes[i] = outcome;
        this.reasons[i] = reason;
        SEQ.setRelease(seq, i, t + 1);
    }

    /** Hands up to {@code max} lines, oldest first, to {@code reader}; how many. The consumer's thread only. */
    int drain(Reader reader, int max) {
        int n = 0;
        long h = head;
        while (n < max) {
            int i = (int) h & mask;
            if ((long) SEQ.getAcquire(seq, i) != h + 1) {
                break; // empty, or the next line is claimed but not written yet
            }
            reader.line(epochMillis[i], botIds[i], actions[i], outcomes[i], reasons[i], nanos[i]);
            actions[i] = null;
            outcomes[i] = null;
            reasons[i] = null;
            SEQ.setRelease(seq, i, h + capacity);
            h++;
            n++;
        }
        head = h;
        return n;
    }

    /** Lines claimed and not yet taken (some may still be being written). The consumer's thread only. */
    long pending() {
        return tail.get() - head;
    }
}
