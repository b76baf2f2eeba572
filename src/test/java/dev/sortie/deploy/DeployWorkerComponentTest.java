package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.InstanceSpec;
import dev.sortie.service.ServiceBackend;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's side of a deploy that cannot go on outside any step: it says why in the journal, as
 * its verdict, instead of dying with a stack trace in workers.log and "exit 1" for the pusher.
 */
@Timeout(120)
class DeployWorkerComponentTest {

    static final String APP = "hello";

    @TempDir
    Path dir;

    SortieHome home;
    String git;
    String commit;

    @BeforeEach
    void setUp() throws Exception {
        git = Requirements.git();
        home = new SortieHome(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        git(work, "init", "-q", "-b", "main");
        Files.writeString(work.resolve("message.txt"), "hello\n");
        Files.writeString(work.resolve("UpgradeHooks.java"), "public class UpgradeHooks { public void before_deps() { } }\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "first");
        commit = git(work, "rev-parse", "HEAD").strip();
        Files.createDirectories(home.repo(APP).getParent());
        git(dir, "init", "-q", "--bare", home.repo(APP).toString());
        git(work, "push", "-q", home.repo(APP).toString(), "main");
    }

    @Test
    void aCommitThatIsNotInTheRepoIsTheDeploysVerdict() throws Exception {
        String missing = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
        Path journal = queued("20261201-120000-deadbee", missing);

        assertEquals(DeployWorker.Result.ABORTED, worker().run(journal));

        DeployEvent.Aborting verdict = assertInstanceOf(DeployEvent.Aborting.class, Journal.events(journal).getLast());
        assertNull(verdict.step());
        assertEquals("commit " + missing + " is not in the repo of " + APP, verdict.reason());
    }

    @Test
    void anErrorOutsideTheStepsIsTheDeploysVerdict() throws Exception {
        Files.createDirectories(home.appDir(APP));
        Files.writeString(home.appDir(APP).resolve("hooks-cache"), "a file where the hooks cache dir goes\n");
        Path journal = queued("20261201-120000-" + commit.substring(0, 7), commit);

        assertEquals(DeployWorker.Result.ABORTED, worker().run(journal));

        DeployEvent.Aborting verdict = assertInstanceOf(DeployEvent.Aborting.class, Journal.events(journal).getLast());
        assertTrue(verdict.reason().startsWith("sortie could not go on: ") && verdict.reason().contains("hooks-cache"), verdict.reason());
        DeployState state = DeployState.of(Journal.read(journal)).orElseThrow();
        List<Reconciler.Action> plan = Reconciler.plan(state, new Reconciler.World(java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Set.of(), false, false), null);
        assertEquals(new Reconciler.Action.FinishFailed(null, verdict.reason(), null), plan.getLast(),
                "the daemon ends the deploy with the worker's reason");
    }

    // ---- helpers

    DeployWorker worker() {
        ServerConfig server = ServerConfig.defaults();
        SiteSwitch sites = new SiteSwitch(new ManagedNginx(home.root(), home.nginxDir(), server.nginx()));
        return new DeployWorker(home, server, new NoInstances(), sites, Path.of(System.getProperty("java.home")),
                (app, config) -> "http://" + app + ".localhost/");
    }

    Path queued(String id, String sha) throws IOException {
        Path file = home.journal(APP, id);
        try (Journal journal = Journal.open(file)) {
            journal.appendDurably(new DeployEvent.Queued(id, APP, sha, "main", "deploy", "tester"));
            journal.appendDurably(new DeployEvent.WorkerStarted(ProcessHandle.current().pid()));
        }
        return file;
    }

    String git(Path in, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(git);
        argv.addAll(List.of(args));
        return Proc.run(in, Map.of("GIT_AUTHOR_NAME", "Sortie Test", "GIT_AUTHOR_EMAIL", "test@sortie.invalid",
                "GIT_COMMITTER_NAME", "Sortie Test", "GIT_COMMITTER_EMAIL", "test@sortie.invalid",
                "GIT_CONFIG_GLOBAL", "/dev/null", "GIT_CONFIG_NOSYSTEM", "1"), 60, argv).assertOk().output();
    }

    static final class NoInstances implements ServiceBackend {
        @Override
        public InstanceInfo start(InstanceSpec spec) throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public void stop(String app, String release, Duration timeout) {
        }

        @Override
        public void retire(String app, String release, Duration drain, Duration timeout) {
        }

        @Override
        public List<InstanceInfo> list() {
            return List.of();
        }
    }
}
