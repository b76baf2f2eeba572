package dev.sortie.bots.run;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Releases an open-model run's arrivals on a clock: each call hands over every arrival that is
 * due, with the time it was due, so a late spawner never hides lateness (the bot's latency counts
 * from that time). The clock is injected, so tests step it exactly. Thread-safe (the spawner
 * releases; the status and PATCH /settings read and change it).
 */
final class ArrivalScheduler {

    /** At most this many arrivals per call, so a spawner that fell far behind still checks on the run between batches. */
    static final int MOST_PER_CALL = 10_000;

    private final LongSupplier clock;
    private ArrivalSchedule schedule;
    private long origin;
    private long next;
    private long released;

    ArrivalScheduler(ArrivalSchedule schedule, LongSupplier clock) {
        this.clock = clock;
        this.schedule = schedule;
        this.origin = clock.getAsLong();
    }

    /** Hands every due arrival's intended start (clock time) to {@code start}, in order; returns how many. */
    synchronized int release(LongConsumer start) {
        long now = clock.getAsLong();
        int n = 0;
        while (n < MOST_PER_CALL) {
            long due = schedule.dueAt(next);
            if (due == Long.MAX_VALUE || origin + due - now > 0) {
                break;
            }
            start.accept(origin + due);
            next++;
            n++;
        }
        released += n;
        return n;
    }

    /** Clock time of the next arrival; Long.MAX_VALUE when the schedule has no more. */
    synchronized long nextAt() {
        long due = schedule.dueAt(next);
        return due == Long.MAX_VALUE ? Long.MAX_VALUE : origin + due;
    }

    /** Arrivals released so far. */
    synchronized long released() {
        return released;
    }

    /** The rate now, per second. */
    synchronized double rateNow() {
        return schedule.rateAt(clock.getAsLong() - origin);
    }

    /** From now on, a constant rate (PATCH /settings on an open-model run). */
    synchronized void changeRate(double perSecond) {
        schedule = ArrivalSchedule.constant(perSecond);
        origin = clock.getAsLong();
        next = 0;
    }

    synchronized String describe() {
        return schedule.describe();
    }
}
