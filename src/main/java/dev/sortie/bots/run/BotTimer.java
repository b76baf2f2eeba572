package dev.sortie.bots.run;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one timer of a run's waiting bots: a binary heap of {@link Entry}s ordered by wake time, and
 * one thread that fires each entry when its time comes. The entry is the bot itself (its wake time
 * and its place in the heap are two of its fields), so a waiting bot costs the timer one array slot:
 * no task object, no future, no parked thread. Firing and {@link #cancel} are decided under one
 * lock, so exactly one of them gets a sleeping entry.
 */
final class BotTimer implements AutoCloseable {

    /** Something the timer wakes; subclassed by the bot, so that scheduling allocates nothing. */
    abstract static class Entry {
        private long at;
        private int slot = -1;

        /** Called on the timer's thread when the entry's time has come: hand the work to another thread, quickly. */
        abstract void fire();
    }

    private static final int BATCH = 256;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private Entry[] heap = new Entry[64];
    private int size;
    private boolean closed;

    BotTimer(String name) {
        thread = Thread.ofPlatform().daemon().name(name).unstarted(this::fireLoop);
    }

    void start() {
        thread.start();
    }

    /**
     * Fires {@code e} at {@code at} (System.nanoTime). False if the timer is closed; the caller then
     * waits some other way.
     *
     * @throws IllegalStateException if {@code e} is already scheduled
     */
    boolean schedule(Entry e, long at) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (e.slot >= 0) {
                throw new IllegalStateException("the entry is already scheduled");
            }
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size + (size >> 1));
            }
            e.at = at;
            siftUp(size++, e);
            if (heap[0] == e) {
                changed.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code e} out before it fires; false if it was not scheduled (it fired, or never was). */
    boolean cancel(Entry e) {
        lock.lock();
        try {
            int i = e.slot;
            if (i < 0) {
                return false;
            }
            removeAt(i);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** How many entries wait; for tests and status. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private void fireLoop() {
        Entry[] due = new Entry[BATCH];
        while (true) {
            int n = 0;
            lock.lock();
            try {
                while (n == 0) {
                    if (closed) {
                        return;
                    }
                    if (size == 0) {
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    long now = System.nanoTime();
                    long wait = heap[0].at - now;
                    if (wait > 0) {
                        changed.awaitNanos(wait);
                        continue;
                    }
                    while (n < BATCH && size > 0 && heap[0].at - now <= 0) {
                        Entry e = heap[0];
                        removeAt(0);
                        due[n++] = e;
                    }
                }
                if (size < heap.length >> 2 && heap.length > 64) {
                    heap = Arrays.copyOf(heap, Math.max(64, heap.length >> 1)); // a wave of bots has woken: give the room back
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < n; i++) {
                Entry e = due[i];
                due[i] = null;
                try {
                    e.fire();
                } catch (RuntimeException | OutOfMemoryError problem) {
                    // one entry's trouble must not stop the others from waking; the entry's owner sees its own state
                }
            }
        }
    }

    private void removeAt(int i) {
        Entry e = heap[i];
        e.slot = -1;
        Entry last = heap[--size];
        heap[size] = null;
        if (i == size) {
            return;
        }
        siftDown(i, last);
        if (heap[i] == last) {
            siftUp(i, last);
        }
    }

    private void siftUp(int i, Entry e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (e.at - p.at >= 0) {
                break;
            }
            heap[i] = p;
            p.slot = i;
            i = parent;
        }
        heap[i] = e;
        e.slot = i;
    }

    private void siftDown(int i, Entry e) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].at - c.at < 0) {
                c = heap[right];
                child = right;
            }
            if (e.at - c.at <= 0) {
                break;
            }
            heap[i] = c;
            c.slot = i;
            i = child;
        }
        heap[i] = e;
        e.slot = i;
    }

    /** Stops the thread; entries still waiting are dropped (their owners have been stopped by then). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (int i = 0; i < size; i++) {
                heap[i].slot = -1;
                heap[i] = null;
            }
            size = 0;
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
