package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sortie.bots.metrics.RunMetrics;
import dev.sortie.bots.tree.BotContext;
import dev.sortie.bots.tree.Outcome;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Latency from each arrival's due time, and failures kept as data. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunListenerTest {

    private static final long MS = 1_000_000L;

    @Test
    void aLateArrivalsFirstActionCountsFromWhenItWasDue() {
        RunMetrics metrics = new RunMetrics(() -> 0, null, true);
        RunListener listener = new RunListener(metrics, false, null, true);
        BotContext bot = new BotContext(7, "");
        listener.lateBy(7, 40 * MS);
        listener.actionRan(bot, "GET /", Outcome.succeed(), 2 * MS);
        listener.actionRan(bot, "GET /", Outcome.succeed(), 2 * MS);
        var a = metrics.snapshot().actions().get("GET /");
        assertEquals(42.0, a.max(), 0.1, "the first action waited 40ms past its due time");
        assertEquals(2.0, a.p50(), 0.1, "the next one is measured as it ran");
    }

    @Test
    void aClosedRunAddsNoLateness() {
        RunMetrics metrics = new RunMetrics(() -> 0, null);
        RunListener listener = new RunListener(metrics, false, null, false);
        listener.lateBy(1, 40 * MS);
        listener.actionRan(new BotContext(1, ""), "a", Outcome.succeed(), 2 * MS);
        assertEquals(2.0, metrics.snapshot().actions().get("a").max(), 0.1);
    }

    @Test
    void theLastProblemIsKeptPerBotAndForgotten() {
        RunListener integration = new RunListener(new RunMetrics(() -> 0, null), true, new LatencyTotals(), false);
        BotContext bot = new BotContext(3, "");
        integration.actionRan(bot, "check", Outcome.fail("expected 200, got 502"), MS);
        integration.actionRan(bot, "slow", Outcome.error("timed out"), 400 * MS);
        assertEquals(new BotFailure(3, "slow", BotFailure.Kind.TIMEOUT, "timed out after 400ms"), integration.forget(3).of(3));
        assertNull(integration.forget(3));
        assertEquals(2, integration.totals().count());

        RunListener load = new RunListener(new RunMetrics(() -> 0, null), false, null, false);
        load.actionRan(bot, "check", Outcome.fail("no"), MS);
        assertNull(load.forget(3), "a load run keeps only errors: a fail is an ordinary branch");
        load.actionRan(bot, "boom", Outcome.error("bad state"), MS);
        assertEquals(new BotFailure(3, "boom", BotFailure.Kind.ERROR, "bad state"), load.forget(3).of(3));
    }
}
