package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushOutputTest {

    private static final String RELEASE = "20261121-120305-3f2a9c1";
    private static final String SHA = "3f2a9c1d4e5f60718293a4b5c6d7e8f901234567";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> render(DeployEvent... events) {
        PushOutput out = new PushOutput(stream);
        for (DeployEvent e : events) {
            out.accept(e);
        }
        return lines();
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void startedNamesCommitBranchAndRelease() {
        assertEquals(List.of("-----> hello: deploying 3f2a9c1 (main) as release " + RELEASE),
                render(new DeployEvent.Started("hello", SHA, "main", RELEASE, null)));
    }

    @Test
    void stepDoneShowsIdSummaryAndDuration() {
        List<String> lines = render(new DeployEvent.StepDone(StepId.COMPILE, "mvn -B -q compile", Duration.ofMillis(4_120)));
        assertEquals(List.of("-----> compile           " + "mvn -B -q compile" + " ".repeat(27) + "   4.1s"), lines);
        String line = lines.getFirst();
        assertTrue(line.startsWith("-----> compile "), line);
        assertTrue(line.contains("mvn -B -q compile"), line);
        assertTrue(line.endsWith(" 4.1s"), line);
    }

    @Test
    void longDurationsUseMinutes() {
        List<String> lines = render(new DeployEvent.StepDone(StepId.RUN_BOTS, "3 bots", Duration.ofSeconds(125)));
        assertTrue(lines.getFirst().startsWith("-----> run_bots          3 bots "), lines.getFirst());
        assertTrue(lines.getFirst().endsWith(" 2m05s"), lines.getFirst());
    }

    @Test
    void hookRanIsIndented() {
        List<String> lines = render(new DeployEvent.HookRan(StepId.COMPILE, "before_compile", "UpgradeHooks", Duration.ofMillis(200)));
        assertEquals(List.of("       before_compile    UpgradeHooks" + " ".repeat(32) + "   0.2s"), lines);
    }

    @Test
    void outputIsIndentedCleanedAndBlankLinesDropped() {
        List<String> lines = render(
                new DeployEvent.Output(StepId.COMPILE, "[INFO] Compiling 3 source files"),
                new DeployEvent.Output(StepId.COMPILE, ""),
                new DeployEvent.Output(StepId.COMPILE, "   "),
                new DeployEvent.Output(StepId.COMPILE, "\u001B[1;31m[ERROR]\u001B[0m bad\u0007 thing\r"),
                new DeployEvent.Output(StepId.COMPILE, "\u001B[0m\u001B[?25l"),
                new DeployEvent.Output(StepId.COMPILE, "\ttabbed"));
        assertEquals(List.of(
                "       [INFO] Compiling 3 source files",
                "       [ERROR] bad thing",
                "       \ttabbed"), lines);
    }

    @Test
    void printableStripsEscapesAndControls() {
        assertEquals("progress 50%", PushOutput.printable("\u001B[2Kprogress\u001B[K 50%\b"));
        assertEquals("a\tb", PushOutput.printable("a\tb\u0000\n"));
    }

    @Test
    void stepFailedShowsReasonAndDetails() {
        List<String> lines = render(new DeployEvent.StepFailed(StepId.COMPILE, "mvn -B -q compile exited with 1\n(see the output above)",
                List.of("[ERROR] Main.java:[3,1] ';' expected", "[ERROR] BUILD FAILURE"), Duration.ofMillis(4_100)));
        assertEquals(List.of(
                "-----> compile           FAILED after 4.1s",
                " !     mvn -B -q compile exited with 1",
                " !     (see the output above)",
                " !     [ERROR] Main.java:[3,1] ';' expected",
                " !     [ERROR] BUILD FAILURE"), lines);
    }

    @Test
    void failedNamesTheStepAndThePreviousRelease() {
        List<String> lines = render(new DeployEvent.Failed("hello", StepId.COMPILE, "mvn -B -q compile exited with 1\nmore", "20261120-090000-0000000"));
        assertEquals(List.of(
                "=====> hello deploy FAILED at compile: mvn -B -q compile exited with 1",
                "=====> The previous release 20261120-090000-0000000 is still serving.",
                "=====> To deploy this commit again: sortie deploy hello (a push of the same commit does nothing)"), lines);
    }

    @Test
    void aFailureAfterTheStartSaysHowToRetryThatCommit() {
        List<String> lines = render(new DeployEvent.Started("hello", SHA, "master", RELEASE, null),
                new DeployEvent.Failed("hello", StepId.UPGRADE_SERVICE, "the deploy worker died", "20261120-090000-0000000"));
        assertEquals("=====> To deploy this commit again: sortie deploy hello 3f2a9c1 (a push of the same commit does nothing)",
                lines.getLast());
    }

    @Test
    void firstDeployFailureSaysNothingWasLive() {
        List<String> lines = render(new DeployEvent.Failed("hello", null, "cannot read sortie.yml", null));
        assertEquals(List.of(
                "=====> hello deploy FAILED before the first step: cannot read sortie.yml",
                "=====> Nothing was live before this deploy, and nothing was left running.",
                "=====> To deploy this commit again: sortie deploy hello (a push of the same commit does nothing)"), lines);
    }

    @Test
    void failureBeforeTheFirstStepShowsEveryConfigProblem() {
        List<String> lines = render(new DeployEvent.Failed("hello", null,
                "sortie.yml: instances: must be between 1 and 32, got 0\nsortie.yml: branhc: unknown key (did you mean branch?)", null));
        assertEquals(List.of(
                "=====> hello deploy FAILED before the first step: sortie.yml: instances: must be between 1 and 32, got 0",
                " !     sortie.yml: branhc: unknown key (did you mean branch?)",
                "=====> Nothing was live before this deploy, and nothing was left running.",
                "=====> To deploy this commit again: sortie deploy hello (a push of the same commit does nothing)"), lines);
    }

    @Test
    void liveSaysWhere() {
        assertEquals(List.of("=====> hello " + RELEASE + " is live at http://hello.localhost:8480/"),
                render(new DeployEvent.Live("hello", RELEASE, "http://hello.localhost:8480/")));
    }

    @Test
    void noticeIsAStepLine() {
        assertEquals(List.of("-----> waiting for the deploy lock (push of abc by pid 12)"),
                render(new DeployEvent.Notice("waiting for the deploy lock (push of abc by pid 12)")));
    }

    @Test
    void aWholeDeployInOrder() {
        List<String> lines = render(
                new DeployEvent.Started("hello", SHA, "main", RELEASE, null),
                new DeployEvent.Output(StepId.DEPS, "fetched"),
                new DeployEvent.StepDone(StepId.DEPS, "mvn", Duration.ofMillis(1_000)),
                new DeployEvent.Live("hello", RELEASE, "http://hello.localhost:8480/"));
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("-----> hello: deploying"));
        assertEquals("       fetched", lines.get(1));
        assertTrue(lines.get(2).startsWith("-----> deps "));
        assertTrue(lines.get(3).startsWith("=====> hello "));
    }

    @Test
    void intentsAndBookkeepingPrintNothing() {
        assertEquals(List.of(), render(
                new DeployEvent.Queued(RELEASE, "hello", SHA, "main", "push", "root"),
                new DeployEvent.WorkerStarted(42),
                new DeployEvent.StepStarted(StepId.DEPS),
                new DeployEvent.StartingInstance(RELEASE, 4000, List.of("java", "-jar", "a.jar")),
                new DeployEvent.SwitchingNginx(RELEASE, null, null),
                new DeployEvent.Committing(RELEASE),
                new DeployEvent.Aborting(StepId.DEPS, "boom")));
    }

    @Test
    void aRevertSaysWhereTrafficWentAndThatTheNewInstanceDrains() {
        List<String> lines = render(new DeployEvent.Reverted("20261120-090000-0000000", true, true, Duration.ofSeconds(5),
                List.of("could not remove the unfinished release dir: busy")));
        assertEquals(List.of(
                "-----> moved traffic back to the previous release 20261120-090000-0000000",
                "-----> the new instance drains for 5.0s, then stops",
                " !     warning: could not remove the unfinished release dir: busy"), lines);
    }

    @Test
    void aSupersededPushSaysWhichDeployToFollow() {
        List<String> lines = render(new DeployEvent.Skipped("hello", "superseded by abcdef1: main moved on", "20261121-120306-abcdef1"));
        assertEquals(List.of(
                "=====> hello deploy skipped: superseded by abcdef1: main moved on",
                "=====> Follow the deploy that runs instead: sortie logs hello --deploy 20261121-120306-abcdef1 -f"), lines);
    }

    @Test
    void hooksLoadedIsOneLineWithTheHookNames() {
        List<String> lines = render(new DeployEvent.HooksLoaded("UpgradeHooks.java", List.of("before_deps", "after_package"), true,
                Duration.ofMillis(40)));
        assertEquals(1, lines.size());
        assertTrue(lines.getFirst().startsWith("-----> hooks             UpgradeHooks.java: before_deps, after_package (cached)"),
                lines.getFirst());
    }
}
