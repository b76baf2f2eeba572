package dev.sortie.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.NotesServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sortie bots run|test} with thresholds and the open model, in process, against a real HTTP server on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BotsLoadComponentTest {

    @TempDir
    Path tmp;

    private NotesServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server = new NotesServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path tree(String name, String yaml) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    private int bots(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("bots"));
        all.addAll(List.of(args));
        all.addAll(List.of("--target", server.url(), "--log", tmp.resolve("bot_run.log").toString()));
        return cli.execute(all.toArray(String[]::new));
    }

    private static final String UNHEALTHY = """
            tree:
              sequence:
                - name: status
                  request: {path: /status/503}
                  expect: {status: 200}
            """;

    @Test
    void aFailedThresholdMakesRunExitOneAndAKeptOneZero() throws Exception {
        Path t = tree("t.yml", UNHEALTHY);
        assertEquals(ExitCodes.FAILED, bots("run", "--tree", t.toString(), "--n", "2", "--duration", "1s", "--threshold", "status: fail_rate < 1%"),
                out + "" + err);
        assertTrue(out.toString().contains("FAILED status: fail_rate < 1% (measured 100.00%)"), out.toString());

        out.getBuffer().setLength(0);
        assertEquals(ExitCodes.OK, bots("run", "--tree", t.toString(), "--n", "2", "--duration", "1s", "--threshold", "status: fail_rate > 99%",
                "--threshold", "all: error_rate < 1%"), out + "" + err);
        assertTrue(out.toString().contains("ok     status: fail_rate > 99% (measured 100.00%)"), out.toString());
        assertTrue(out.toString().contains("ok     all: error_rate < 1% (measured 0.00%)"), out.toString());
    }

    @Test
    void offATerminalARunPrintsItsProgressEveryFifthSecondFromItsMetrics() throws Exception {
        Path t = tree("t.yml", UNHEALTHY);
        assertEquals(ExitCodes.OK, bots("run", "--tree", t.toString(), "--n", "2", "--duration", "6s"), out + "" + err);
        List<String> progress = out.toString().lines()
                .filter(l -> l.matches(" +\\d+s  bots \\d+/2  requests [0-9,]+ \\([0-9,]+/s\\)  errors 0  p99 [0-9.]+ms")).toList();
        assertEquals(1, progress.size(), "one line after five intervals, none more in six seconds:\n" + out);
    }

    @Test
    void thresholdsInTheTreeFileFailATestAndAbortOnFailStopsARunEarly() throws Exception {
        Path t = tree("t.yml", UNHEALTHY + """
                thresholds:
                  - "status: fail_rate < 50%"
                  - {threshold: "all: count >= 1", abort_on_fail: true}
                """);
        Path junit = tmp.resolve("junit.xml");
        assertEquals(ExitCodes.FAILED, bots("test", "--tree", t.toString(), "--junit", junit.toString()), out + "" + err);
        String xml = Files.readString(junit);
        assertTrue(xml.contains("t.yml.thresholds\" name=\"status: fail_rate &lt; 50%\">\n    <failure message=\"measured 100.00%\""), xml);
        assertTrue(xml.contains("t.yml.thresholds\" name=\"all: count &gt;= 1, abort_on_fail\"/>"), xml);

        out.getBuffer().setLength(0);
        Path loop = tree("loop.yml", UNHEALTHY);
        // an hour-long run that only an aborting threshold can end within the test's timeout
        assertEquals(ExitCodes.FAILED, bots("run", "--tree", loop.toString(), "--duration", "1h",
                "--threshold", "status: fail_rate < 50%, abort_on_fail"), out + "" + err);
        assertTrue(out.toString().contains("-----> aborted: the threshold 'status: fail_rate < 50%, abort_on_fail' failed (100.00%)"), out.toString());
    }

    @Test
    void badThresholdsAndStagesAreUsageErrorsThatSayWhatIsAllowed() throws Exception {
        Path t = tree("t.yml", UNHEALTHY);
        assertEquals(ExitCodes.USAGE, bots("run", "--tree", t.toString(), "--threshold", "all: p99 < 200"));
        assertTrue(err.toString().contains("--threshold 'all: p99 < 200': '200' is not a latency: p99 takes a number with ms or s"), err.toString());
        assertEquals(ExitCodes.USAGE, bots("run", "--tree", t.toString(), "--stages", "30s:10/s,1m:100"));
        assertTrue(err.toString().contains("not a mix"), err.toString());
        assertEquals(ExitCodes.USAGE, bots("run", "--tree", t.toString(), "--n", "5", "--max-bots", "3"));
        assertTrue(err.toString().contains("--max-bots caps an open-model run"), err.toString());
        assertEquals(ExitCodes.USAGE, bots("run", "--tree", t.toString(), "--arrival-rate", "fast"));
        assertTrue(err.toString().contains("--arrival-rate fast is not a rate; write arrivals per second like 50/s"), err.toString());
        assertEquals(ExitCodes.CONFIG, bots("test", "--tree", tree("bad.yml", UNHEALTHY + "thresholds: [\"all: p99 << 1ms\"]\n").toString()));
        assertTrue(err.toString().contains("bad.yml: thresholds[0]: threshold 'all: p99 << 1ms': '< 1ms' is not a value"), err.toString());
    }

    @Test
    void anOpenModelRunCountsTheArrivalsDroppedAtTheCap() throws Exception {
        Path t = tree("slow.yml", """
                tree:
                  name: slow
                  request: {path: "/slow?ms=400"}
                """);
        assertEquals(ExitCodes.OK, bots("run", "--tree", t.toString(), "--arrival-rate", "40/s", "--duration", "1s", "--max-bots", "2"),
                out + "" + err);
        String o = out.toString();
        Matcher dropped = Pattern.compile("(\\d+) arrivals dropped: --max-bots bots were running").matcher(o);
        assertTrue(dropped.find(), o);
        Matcher ran = Pattern.compile("(\\d+) actions by (\\d+) bots").matcher(o);
        assertTrue(ran.find(), o);
        long n = Long.parseLong(dropped.group(1));
        long started = Long.parseLong(ran.group(2));
        // 40 arrivals are due in the second; with two bots busy 400ms each, at most 2 run at a time
        assertTrue(started >= 2 && started <= 8, o);
        assertTrue(n + started <= 40 && n + started >= 30, "every arrival is started or dropped: " + o);
        assertTrue(o.contains("Releasing a bot per arrival at 40/s (at most 2 at a time)"), o);

        long logged = Files.readAllLines(tmp.resolve("bot_run.log")).stream().filter(l -> l.contains("action=\"slow\"")).count();
        assertEquals(started, logged, "each started arrival ran the tree once; dropped ones never ran");
    }
}
