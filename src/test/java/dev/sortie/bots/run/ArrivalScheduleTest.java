package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open model's arithmetic and its scheduler, on a clock the test moves by hand. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ArrivalScheduleTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void aConstantRateSpacesArrivalsEvenlyFromTheStart() {
        ArrivalSchedule s = ArrivalSchedule.constant(50);
        assertEquals(0, s.dueAt(0));
        assertEquals(20 * MS, s.dueAt(1));
        assertEquals(1 * S, s.dueAt(50));
        assertNull(s.length(), "a constant rate lasts until the run is stopped");
        assertEquals("50/s", s.describe());
    }

    @Test
    void aRampFromZeroSpeedsUpAsTheIntegralOfItsRateGrows() {
        // 0 -> 10/s over 10s: arrivals by t are t^2/2, so arrival k is due at sqrt(2k) seconds
        ArrivalSchedule s = ArrivalSchedule.ramping(LoadStages.parse("10s:10/s"));
        assertEquals(0, s.dueAt(0));
        assertEquals(Math.round(Math.sqrt(2) * S), s.dueAt(1), 1);
        assertEquals(2 * S, s.dueAt(2));
        assertEquals(Math.round(Math.sqrt(98) * S), s.dueAt(49), 1);
        assertEquals(Long.MAX_VALUE, s.dueAt(50), "50 arrivals fit in the stage; the 51st never comes");
        assertEquals(Duration.ofSeconds(10), s.length());
    }

    @Test
    void stagesFollowEachOtherAndARampDownSlowsTheArrivals() {
        // 1s at 0->100/s (50 arrivals), 1s flat at 100/s (100 more), 2s 100->0/s (100 more)
        ArrivalSchedule s = ArrivalSchedule.ramping(LoadStages.parse("1s:100/s,1s:100/s,2s:0/s"));
        assertEquals(1 * S, s.dueAt(50), "the first arrival of the flat stage comes at its start");
        assertEquals(1 * S + 10 * MS, s.dueAt(51));
        assertEquals(2 * S, s.dueAt(150));
        // in the ramp down, arrivals by t (from its start) are 100t - 25t^2: the 75th more is due at t = 2 - 1 = 1s
        assertEquals(3 * S, s.dueAt(225));
        assertEquals(Long.MAX_VALUE, s.dueAt(250));
        assertEquals(100.0, s.rateAt(1500 * MS));
        assertEquals(50.0, s.rateAt(3 * S));
        assertEquals(0.0, s.rateAt(5 * S));
    }

    @Test
    void theSchedulerReleasesWhatIsDueWithWhenItWasDue() {
        AtomicLong clock = new AtomicLong(1_000 * S);
        ArrivalScheduler scheduler = new ArrivalScheduler(ArrivalSchedule.constant(10), clock::get);
        List<Long> started = new ArrayList<>();
        assertEquals(1, scheduler.release(started::add), "arrival 0 is due at once");
        assertEquals(1_000 * S + 100 * MS, scheduler.nextAt());
        clock.addAndGet(99 * MS);
        assertEquals(0, scheduler.release(started::add));
        clock.addAndGet(1 * MS);
        assertEquals(1, scheduler.release(started::add));
        clock.addAndGet(350 * MS); // a late spawner: three arrivals are due, each with its own time
        assertEquals(3, scheduler.release(started::add));
        assertEquals(List.of(1_000 * S, 1_000 * S + 100 * MS, 1_000 * S + 200 * MS, 1_000 * S + 300 * MS, 1_000 * S + 400 * MS), started);
        assertEquals(5, scheduler.released());
        assertEquals(1_000 * S + 500 * MS, scheduler.nextAt());
    }

    @Test
    void aRateChangeTakesEffectFromNow() {
        AtomicLong clock = new AtomicLong(0);
        ArrivalScheduler scheduler = new ArrivalScheduler(ArrivalSchedule.constant(1), clock::get);
        List<Long> started = new ArrayList<>();
        scheduler.release(started::add);
        clock.set(300 * MS);
        scheduler.changeRate(100);
        assertEquals(1, scheduler.release(started::add));
        clock.set(330 * MS);
        assertEquals(3, scheduler.release(started::add));
        assertEquals(List.of(0L, 300 * MS, 310 * MS, 320 * MS, 330 * MS), started);
        assertEquals(100.0, scheduler.rateNow());
    }

    @Test
    void theSchedulerStopsWhenTheStagesEndAndCapsOneBatch() {
        AtomicLong clock = new AtomicLong(0);
        ArrivalScheduler scheduler = new ArrivalScheduler(ArrivalSchedule.ramping(LoadStages.parse("1s:20/s")), clock::get);
        clock.set(10 * S);
        assertEquals(10, scheduler.release(t -> { }), "0->20/s over 1s is 10 arrivals");
        assertEquals(Long.MAX_VALUE, scheduler.nextAt());

        ArrivalScheduler flood = new ArrivalScheduler(ArrivalSchedule.constant(1_000_000), clock::get);
        clock.addAndGet(1 * S);
        assertEquals(ArrivalScheduler.MOST_PER_CALL, flood.release(t -> { }));
        assertEquals(ArrivalScheduler.MOST_PER_CALL, flood.release(t -> { }), "the rest come in the next batches");
    }

    @Test
    void ratesOutOfRangeAreRefused() {
        assertEquals("an arrival rate is more than 0 and at most 1000000/s, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.constant(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArrivalSchedule.ramping(LoadStages.parse("1m:100")));
    }
}
