package dev.sortie.bots.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes a real {@code bot_run.log} with {@link BotRunLog}, installs {@code lnav/sortie_bots.json} into a
 * throwaway HOME and runs the queries and the filter of docs/bot-logs.md through the real lnav.
 */
class BotRunLogLnavComponentTest {

    // The queries exactly as docs/bot-logs.md shows them (there, each is typed after a ';').
    static final String RUNS_PER_ACTION = "select count(action), action from sortie_bots_log group by action";
    static final String DURATIONS = "select min(duration), mode(duration), max(duration), avg(duration), action from sortie_bots_log"
            + " group by action order by avg(duration) desc";
    static final String BY_OUTCOME = "select count(action), avg(duration), outcome, action, outcome from sortie_bots_log"
            + " group by outcome, action";
    static final String SUCCESS_RATES = "SELECT action,count(*) as runs,count(CASE outcome WHEN \"fail\" then 1 end) as fails,"
            + "count(CASE WHEN outcome LIKE \"error%\" then 1 end) as errors,"
            + "round(100 * (count(CASE outcome WHEN \"succeed\" then 1 end)) / count(*)) as success_rate"
            + " FROM sortie_bots_log group by action order by success_rate desc";
    static final String RUNS_PER_BOT = "select action, avg(runs) from (select bot_id, action, count(*) runs from sortie_bots_log"
            + " group by bot_id, action) group by action order by avg(runs) desc";
    static final String SLOW_FILTER = "duration=\\d{4,}\\.\\d{3}ms";

    private static final String NOTES = "GET /api/notes";
    private static final String POST = "POST /api/notes \"a\\b\"";
    /** How lnav shows {@link #POST}: the action column keeps the log's escapes. */
    private static final String POST_IN_LNAV = "POST /api/notes \\\"a\\\\b\\\"";
    private static final String HEALTH = "GET /health";

    private record Run(long bot, String action, String outcome, double millis, String reason) {
    }

    // Every duration is a multiple of 1/8 ms, so SQLite's sums are exact and the averages below do not depend on its summing order.
    private static final List<Run> RUNS = List.of(
            new Run(1, NOTES, "succeed", 2.000, null),
            new Run(2, NOTES, "succeed", 3.000, null),
            new Run(3, NOTES, "succeed", 12345.250, null),
            new Run(1, POST, "succeed", 1500.250, null),
            new Run(2, NOTES, "succeed", 3.000, null),
            new Run(3, NOTES, "error", 30000.000, "timed out"),
            new Run(1, HEALTH, "fail", 1.500, "expected status 200, got 502"),
            new Run(2, NOTES, "fail", 1000.000, "expected status 200, got 500:\n\"oops\""),
            new Run(3, POST, "succeed", 999.875, null),
            new Run(1, NOTES, "succeed", 3.000, null),
            new Run(2, POST, "error", 999.875, "timed out"),
            new Run(3, HEALTH, "succeed", 0.750, null),
            new Run(1, HEALTH, "succeed", 0.500, null),
            new Run(2, HEALTH, "succeed", 0.250, null),
            new Run(3, HEALTH, "succeed", 0.500, null));

    @TempDir
    Path dir;

    private String lnav;
    private Path home;
    private Path log;

    @BeforeEach
    void writeLogAndInstallFormat() throws Exception {
        lnav = Requirements.program("lnav", "lnav");
        home = Files.createDirectories(dir.resolve("home"));
        log = dir.resolve("bot_run.log");
        BotRunLog out = BotRunLog.open(log);
        for (Run r : RUNS) {
            out.append(r.bot, r.action, r.outcome, r.reason, Math.round(r.millis * 1_000_000));
        }
        out.close();
        assertEquals(RUNS.size(), Files.readAllLines(log).size());

        Path format = Path.of("lnav", "sortie_bots.json").toAbsolutePath();
        Proc.Result installed = lnavRun(List.of(lnav, "-i", format.toString())).assertOk();
        // lnav -i exits 0 even when a sample does not match the format; it only says so.
        assertTrue(installed.output().contains("installed -- " + home), installed.output());
        assertFalse(installed.output().contains("error"), installed.output());
    }

    @Test
    void everyLineIsReadWithItsFieldsAndLevel() throws Exception {
        assertEquals(List.of(List.of("log_level", "count(*)"), List.of("error", "2"), List.of("info", "11"), List.of("warning", "2")),
                sorted(query("select log_level, count(*) from sortie_bots_log group by log_level")));
        assertEquals(List.of(
                        List.of("bot_id", "reason"),
                        List.of("3", "timed out"),
                        List.of("1", "expected status 200, got 502"),
                        List.of("2", "expected status 200, got 500:\\n\\\"oops\\\""),
                        List.of("2", "timed out")),
                query("select bot_id, reason from sortie_bots_log where reason is not null"));
    }

    @Test
    void countsRunsPerAction() throws Exception {
        assertEquals(sorted(List.of(
                        List.of("count(action)", "action"),
                        List.of("7", NOTES),
                        List.of("5", HEALTH),
                        List.of("3", POST_IN_LNAV))),
                sorted(query(RUNS_PER_ACTION)));
    }

    @Test
    void aggregatesDurationsPerActionSlowestFirst() throws Exception {
        assertEquals(List.of(
                        List.of("min(duration)", "mode(duration)", "max(duration)", "avg(duration)", "action"),
                        List.of("2", "3", "30000", "6193.75", NOTES),
                        List.of("999.875", "999.875", "1500.25", "1166.6666666666667", POST_IN_LNAV),
                        List.of("0.25", "0.5", "1.5", "0.7", HEALTH)),
                query(DURATIONS));
    }

    @Test
    void countsAndAveragesPerOutcomeAndAction() throws Exception {
        assertEquals(sorted(List.of(
                        List.of("count(action)", "avg(duration)", "outcome", "action", "outcome"),
                        List.of("1", "30000", "error", NOTES, "error"),
                        List.of("1", "999.875", "error", POST_IN_LNAV, "error"),
                        List.of("1", "1000", "fail", NOTES, "fail"),
                        List.of("1", "1.5", "fail", HEALTH, "fail"),
                        List.of("5", "2471.25", "succeed", NOTES, "succeed"),
                        List.of("2", "1250.0625", "succeed", POST_IN_LNAV, "succeed"),
                        List.of("4", "0.5", "succeed", HEALTH, "succeed"))),
                sorted(query(BY_OUTCOME)));
    }

    @Test
    void successRatesBestFirst() throws Exception {
        // The README's query divides integers, so 2 of 3 is 66, not 67.
        assertEquals(List.of(
                        List.of("action", "runs", "fails", "errors", "success_rate"),
                        List.of(HEALTH, "5", "1", "0", "80"),
                        List.of(NOTES, "7", "1", "1", "71"),
                        List.of(POST_IN_LNAV, "3", "0", "1", "66")),
                query(SUCCESS_RATES));
    }

    @Test
    void averageRunsPerBotForEachAction() throws Exception {
        assertEquals(List.of(
                        List.of("action", "avg(runs)"),
                        List.of(NOTES, "2.3333333333333335"),
                        List.of(HEALTH, "1.6666666666666667"),
                        List.of(POST_IN_LNAV, "1")),
                query(RUNS_PER_BOT));
    }

    @Test
    void slowFilterKeepsExactlyTheRunsOfASecondOrMore() throws Exception {
        List<String> lines = Files.readAllLines(log);
        Pattern duration = Pattern.compile(" duration=(\\d+\\.\\d{3})ms");
        Pattern slow = Pattern.compile(SLOW_FILTER);
        List<String> expected = new ArrayList<>();
        for (String line : lines) {
            Matcher m = duration.matcher(line);
            assertTrue(m.find(), line);
            boolean atLeastASecond = Double.parseDouble(m.group(1)) >= 1000;
            assertEquals(atLeastASecond, slow.matcher(line).find(), line);
            if (atLeastASecond) {
                expected.add(line);
            }
        }
        assertEquals(4, expected.size(), expected.toString());

        Proc.Result shown = lnavRun(List.of(lnav, "-n", "-c", ":filter-in " + SLOW_FILTER, log.toString())).assertOk();
        assertEquals(expected, shown.output().lines().toList(), shown.output());
    }

    /** Runs {@code ;sql} headless and returns its result as CSV rows, the header first. */
    private List<List<String>> query(String sql) throws IOException, InterruptedException {
        Proc.Result r = lnavRun(List.of(lnav, "-n", "-c", ";" + sql, "-c", ":write-csv-to -", log.toString())).assertOk();
        // lnav exits 0 even when the SQL does not compile; it only prints an error.
        assertFalse(r.output().contains("error:"), r.output());
        return r.output().lines().map(BotRunLogLnavComponentTest::csvRow).toList();
    }

    private Proc.Result lnavRun(List<String> argv) throws IOException, InterruptedException {
        // lnav keeps formats under $XDG_CONFIG_HOME/lnav when that is set, else under ~/.lnav: point both at the temp HOME.
        return Proc.run(dir, Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.toString()), 30, argv);
    }

    private static List<String> csvRow(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /** The header, then the rows in a fixed order: for queries without ORDER BY. */
    private static List<List<String>> sorted(List<List<String>> rows) {
        List<List<String>> out = new ArrayList<>(rows.subList(0, 1));
        rows.subList(1, rows.size()).stream().sorted(Comparator.comparing(Object::toString)).forEach(out::add);
        return out;
    }
}
