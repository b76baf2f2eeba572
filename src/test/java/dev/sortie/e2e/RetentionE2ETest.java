package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thirty real pushes of a no-build app with {@code keep_releases 3}, some of them failing and some
 * changing the UpgradeHooks: the app's home stays bounded, and the live release and the rollback
 * target are still there.
 */
@Tag("slow") // about 2.5 minutes: thirty pushes, each starting a JVM
class RetentionE2ETest {

    static final int DEPLOYS = 30;
    static final int KEEP = 3;
    static final Set<Integer> FAILING = Set.of(5, 11, 17, 23, 27);
    static final Pattern LIVE = Pattern.compile("remote: =====> plain (\\S+) is live at");
    static final Pattern ID_PREFIX = Pattern.compile("(\\d{8}-\\d{6}-[0-9a-f]{7}(?:-\\d+)?)\\..*");

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;

    @BeforeAll
    static void install() throws Exception {
        sortie = new InstalledSortie(tmp);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    Path app(String... more) {
        return sortie.home.resolve("apps").resolve("plain").resolve(String.join("/", more));
    }

    static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void thirtyDeploysLeaveABoundedHomeWithTheLiveReleaseAndTheRollbackTarget() throws Exception {
        sortie.sortie("apps", "create", "plain").assertOk();
        sortie.sortie("apps", "set", "plain", "keep_releases=" + KEEP).assertOk();
        Path fixture = Path.of("src/test/resources/fixtures/plain").toAbsolutePath();
        Path project = sortie.project(fixture, "plain", "plain");
        String goodYml = Files.readString(project.resolve("sortie.yml"));
        List<String> live = new ArrayList<>();
        for (int n = 1; n <= DEPLOYS; n++) {
            Files.writeString(project.resolve("message.txt"), "release " + n + "\n");
            if (n % 6 == 1) { // a changed hooks file: a new hooks-cache entry
                Files.writeString(project.resolve("UpgradeHooks.java"), "public class UpgradeHooks {\n    // version " + n + "\n"
                        + "    public void after_deps(dev.sortie.hooks.DeployEnv env) { }\n}\n");
            }
            boolean failing = FAILING.contains(n);
            if (failing) {
                Files.writeString(project.resolve("Broken.java"), "class Broken { int x = ; }\n");
                Files.writeString(project.resolve("sortie.yml"), goodYml + "steps:\n  compile: [javac, -d, classes, Broken.java]\n");
            }
            Proc.Result push = n == 1 ? sortie.git(project, "push", "production", "main") : sortie.commitAndPush(project, "deploy " + n);
            String out = push.output();
            if (failing) {
                assertTrue(out.contains("deploy FAILED at compile"), out);
                sortie.git(project, "rm", "-q", "Broken.java").assertOk();
                Files.writeString(project.resolve("sortie.yml"), goodYml);
            } else {
                assertEquals(0, push.exit(), out);
                Matcher m = LIVE.matcher(out);
                assertTrue(m.find(), out);
                live.add(m.group(1));
                assertFalse(out.contains("could not prune"), out);
            }
        }
        assertEquals("release 30\n\n200", sortie.curl(sortie.url("plain")).output());
        String current = live.getLast();
        String previous = live.get(live.size() - 2);

        // releases/: the newest KEEP that went live (the live one and the target among them) and the last 3 failures
        List<String> dirs = names(app("releases")).stream().filter(n -> !n.startsWith(".")).toList();
        assertTrue(dirs.size() <= KEEP + 3, dirs.toString());
        assertTrue(dirs.contains(current) && dirs.contains(previous), dirs.toString());
        assertTrue(Files.isDirectory(app("releases", current, "app")), "the live release keeps its artifact");
        assertTrue(Files.isDirectory(app("releases", previous, "app")), "the rollback target keeps its artifact");
        assertEquals(List.of(".tombstones.jsonl"), names(app("releases")).stream().filter(n -> n.startsWith(".")).toList(),
                "no leftovers of a prune");
        assertEquals(live.subList(live.size() - KEEP, live.size()).stream().sorted().toList(),
                dirs.stream().filter(d -> Files.isDirectory(app("releases", d, "app"))).toList(), "exactly the newest " + KEEP + " have artifacts");

        // logs/: only the releases that stay have logs
        Set<String> logOwners = names(app("logs")).stream().map(ID_PREFIX::matcher).filter(Matcher::matches).map(m -> m.group(1))
                .collect(Collectors.toSet());
        assertTrue(dirs.containsAll(logOwners), "logs of pruned releases remain: " + names(app("logs")));
        assertTrue(names(app("logs")).size() <= 2 * (KEEP + 3), names(app("logs")).toString());

        // hooks-cache: 5 versions were compiled; the records name none yet, so only the newest entry stays
        List<String> entries = names(app("hooks-cache")).stream().filter(n -> n.matches("[0-9a-f]{64}")).toList();
        assertEquals(1, entries.size(), names(app("hooks-cache")).toString());

        // the CLI tells the truth about them
        String releases = sortie.sortie("releases", "plain").assertOk().output();
        assertTrue(releases.lines().anyMatch(l -> l.startsWith("* " + current) && l.contains(" live ")), releases);
        // the rollback target is "standby" while its instance is still draining (or kept as a standby), "previous" after
        assertTrue(releases.lines().anyMatch(l -> l.contains(previous) && (l.contains(" previous ") || l.contains(" standby "))
                && l.contains("rollback target")), releases);
        assertTrue(releases.lines().anyMatch(l -> l.contains(" pruned ")), releases);
        assertTrue(releases.lines().anyMatch(l -> l.contains(" failed ") && l.contains("failed at compile")), releases);
        String shown = sortie.sortie("releases", "show", "plain", current).assertOk().output();
        assertTrue(shown.contains("status     live"), shown);
        assertTrue(shown.contains("commit     "), shown);

        // by hand: keep 1 still keeps the rollback target; the dry run changes nothing
        String dry = sortie.sortie("releases", "prune", "plain", "--keep", "1", "--dry-run").assertOk().output();
        String third = live.get(live.size() - 3);
        assertTrue(dry.contains("would remove release " + third), dry);
        assertFalse(dry.contains(previous) || dry.contains(current), dry);
        assertTrue(Files.isDirectory(app("releases", third)));
        String pruned = sortie.sortie("releases", "prune", "plain", "--keep", "1").assertOk().output();
        assertTrue(pruned.contains("removed release " + third) && pruned.contains("freed"), pruned);
        assertFalse(Files.exists(app("releases", third)));
        assertTrue(Files.isDirectory(app("releases", previous, "app")));
        assertEquals("release 30\n\n200", sortie.curl(sortie.url("plain")).output());
    }
}
