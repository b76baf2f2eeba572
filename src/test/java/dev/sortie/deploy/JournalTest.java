package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal on a real file system: every event round-trips, torn lines are skipped, a follower sees only whole lines. */
@Timeout(30)
class JournalTest {

    static final String ID = "20261201-120000-abcdef1";
    static final String SHA = "abcdef1234567890abcdef1234567890abcdef12";

    @TempDir
    Path dir;

    /** One of every event, so a new event that does not serialise fails here. */
    static List<DeployEvent> everyEvent() {
        return List.of(
                new DeployEvent.Queued(ID, "hello", SHA, "main", "push", "root"),
                new DeployEvent.Queued(ID, "hello", SHA, "main", "gated", "root",
                        new DeployEvent.Gate("/srv/hello/repo.git/objects/tmp_objdir-incoming-x", SHA, 4242)),
                new DeployEvent.WorkerStarted(1234),
                new DeployEvent.Started("hello", SHA, "main", ID, "20261130-120000-0000000"),
                new DeployEvent.HooksLoaded("UpgradeHooks.java", List.of("before_deps"), false, Duration.ofMillis(512)),
                new DeployEvent.StepStarted(StepId.DEPS),
                new DeployEvent.Notice("a notice"),
                new DeployEvent.Output(StepId.DEPS, "output with \"quotes\" and \u00e9 and a \t tab"),
                new DeployEvent.HookRan(StepId.DEPS, "before_deps", "UpgradeHooks", Duration.ofMillis(3)),
                new DeployEvent.HookRan(null, "on_failure", "UpgradeHooks", Duration.ofMillis(3)),
                new DeployEvent.StepDone(StepId.DEPS, "mvn", Duration.ofMillis(4120)),
                new DeployEvent.StepFailed(StepId.COMPILE, "mvn exited with 1", List.of("| error"), Duration.ofSeconds(2)),
                new DeployEvent.Problem(List.of("Hooks.java:1: error")),
                new DeployEvent.StartingInstance(ID, 40001, List.of("java", "-jar", "hello.jar")),
                new DeployEvent.SwitchingNginx(ID, "# hello: release 20261130-120000-0000000.\nserver {}\n", "20261130-120000-0000000"),
                new DeployEvent.SwitchingNginx(ID, null, null),
                new DeployEvent.Committing(ID),
                new DeployEvent.Retiring(List.of("20261130-120000-0000000"), Duration.ofSeconds(5)),
                new DeployEvent.Aborting(StepId.RUN_BOTS, "smoke bots failed"),
                new DeployEvent.Aborting(null, "sortie.yml: bad"),
                new DeployEvent.Reverted("20261130-120000-0000000", true, true, Duration.ofSeconds(5), List.of("x")),
                new DeployEvent.Live("hello", ID, "http://hello.localhost:8480/"),
                new DeployEvent.Failed("hello", StepId.COMPILE, "boom", null, false),
                new DeployEvent.Skipped("hello", "superseded by 1234567", ID));
    }

    @Test
    void everyEventRoundTrips() throws Exception {
        Path file = dir.resolve("deploys/" + ID + ".jsonl");
        try (Journal journal = Journal.open(file)) {
            for (DeployEvent e : everyEvent()) {
                journal.appendDurably(e);
            }
        }
        assertEquals(everyEvent(), Journal.events(file));
        assertEquals(everyEvent().size(), Files.readAllLines(file).size(), "one line per event");
    }

    @Test
    void aTornLastLineIsIgnoredAndTheNextWriterStartsAFreshLine() throws Exception {
        Path file = dir.resolve(ID + ".jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.appendDurably(new DeployEvent.Queued(ID, "hello", SHA, "main", "push", "root"));
        }
        // a worker killed in the middle of a line
        Files.writeString(file, "{\"at\":\"2026-12-01T12:00:00Z\",\"event\":{\"type\":\"notice\",\"li", StandardOpenOption.APPEND);
        assertEquals(1, Journal.events(file).size(), "the torn line is skipped");

        try (Journal journal = Journal.open(file)) {
            journal.appendDurably(new DeployEvent.Notice("after the crash"));
        }
        List<DeployEvent> events = Journal.events(file);
        assertEquals(2, events.size(), events::toString);
        assertEquals(new DeployEvent.Notice("after the crash"), events.get(1));
    }

    @Test
    void garbageAndUnknownEventsAreSkippedNotFatal() throws Exception {
        Path file = dir.resolve(ID + ".jsonl");
        Files.writeString(file, "not json\n{\"at\":\"2026-12-01T12:00:00Z\",\"event\":{\"type\":\"from_the_future\"}}\n\n");
        try (Journal journal = Journal.open(file)) {
            journal.accept(new DeployEvent.Notice("ok"));
        }
        assertEquals(List.of(new DeployEvent.Notice("ok")), Journal.events(file));
    }

    @Test
    void aMissingJournalReadsAsEmpty() throws Exception {
        assertEquals(List.of(), Journal.read(dir.resolve("nope.jsonl")));
    }

    @Test
    void aFollowerSeesEachWholeLineOnceAndWaitsForHalfWrittenOnes() throws Exception {
        Path file = dir.resolve(ID + ".jsonl");
        Journal.Follower follower = new Journal.Follower(file);
        assertEquals(List.of(), follower.poll(), "no file yet");
        try (Journal journal = Journal.open(file)) {
            journal.accept(new DeployEvent.Notice("one"));
            assertEquals(List.of(new DeployEvent.Notice("one")), follower.poll().stream().map(Journal.Line::event).toList());
            assertEquals(List.of(), follower.poll());
        }
        String line = Journal.JSON.writeValueAsString(new Journal.Line(Instant.now(), new DeployEvent.Notice("two")));
        Files.writeString(file, line.substring(0, 10), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(List.of(), follower.poll(), "half a line is not read");
        Files.writeString(file, line.substring(10) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        var lines = follower.poll();
        assertEquals(1, lines.size());
        assertInstanceOf(DeployEvent.Notice.class, lines.getFirst().event());
        assertTrue(lines.getFirst().at() != null);
    }
}
