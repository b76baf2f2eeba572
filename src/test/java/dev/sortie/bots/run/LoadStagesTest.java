package dev.sortie.bots.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoadStagesTest {

    @Test
    void ratesMakeTheOpenModelAndCountsTheClosedOne() {
        LoadStages open = LoadStages.parse("30s:10/s, 1m:100/s,30s:0/s");
        assertTrue(open.arrivals());
        assertEquals(List.of(new LoadStages.Stage(Duration.ofSeconds(30), 10), new LoadStages.Stage(Duration.ofMinutes(1), 100),
                new LoadStages.Stage(Duration.ofSeconds(30), 0)), open.stages());
        assertEquals(Duration.ofMinutes(2), open.total());
        assertEquals("30s:10/s,1m:100/s,30s:0/s", open.describe());

        LoadStages closed = LoadStages.parse("1m:100,2m:500");
        assertFalse(closed.arrivals());
        assertEquals(Duration.ofMinutes(3), closed.total());
    }

    @Test
    void theTargetRampsLinearlyFromThePreviousStage() {
        LoadStages closed = LoadStages.parse("10s:100,10s:500,10s:500");
        long s = 1_000_000_000L;
        assertEquals(0.0, closed.targetAt(0));
        assertEquals(50.0, closed.targetAt(5 * s));
        assertEquals(100.0, closed.targetAt(10 * s));
        assertEquals(300.0, closed.targetAt(15 * s));
        assertEquals(500.0, closed.targetAt(25 * s));
        assertEquals(500.0, closed.targetAt(99 * s), "after the last stage its target stays");
    }

    @Test
    void mistakesNameTheStageAndWhatAStageLooksLike() {
        assertEquals("--stages '30s:10/s,1m:100': stage '1m:100': every stage is an arrival rate (like 10/s) or every stage a number of bots"
                + " (like 100), not a mix; expected " + LoadStages.SYNTAX, message("30s:10/s,1m:100"));
        assertTrue(message("30x:10").contains("stage '30x:10': '30x' is not a duration"), message("30x:10"));
        assertTrue(message("30s").contains("stage '30s': a stage is DURATION:TARGET"), message("30s"));
        assertTrue(message("30s:10,").contains("stage '': a stage is DURATION:TARGET"), message("30s:10,"));
        assertTrue(message("0s:10").contains("a stage lasts more than 0"), message("0s:10"));
        assertTrue(message("1m:2.5").contains("a number of bots is a whole number"), message("1m:2.5"));
        assertTrue(message("1m:-5").contains("a stage is DURATION:TARGET"), message("1m:-5"));
        assertTrue(message("").startsWith("--stages is empty"), message(""));
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> LoadStages.parse(text)).getMessage();
    }
}
