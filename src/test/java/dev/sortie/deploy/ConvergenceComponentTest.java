package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import dev.sortie.service.FreePort;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.InstanceSpec;
import dev.sortie.service.ServiceBackend;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Convergence against a real nginx config when a step of its plan fails. */
@Timeout(60)
class ConvergenceComponentTest {

    static final String APP = "hello";
    static final String ID = "20261201-120000-abcdef1";
    static final String OLD = "20261130-120000-0000000";
    static final String SHA = "abcdef1234567890abcdef1234567890abcdef12";

    @TempDir
    Path dir;

    /**
     * The deploy died after switching nginx, and putting the previous site back fails (nginx -t rejects it):
     * nginx still runs the new site, so the new instance is all that serves the app. It must keep running.
     */
    @Test
    void whenTrafficCannotBeMovedBackTheNewInstanceKeepsRunning() throws Exception {
        SortieHome home = new SortieHome(dir);
        Files.createDirectories(home.repo(APP));
        ServerConfig.Nginx nginxConfig = new ServerConfig.Nginx("127.0.0.1", FreePort.pick(), Requirements.nginx());
        ServerConfig server = new ServerConfig(nginxConfig, Duration.ofSeconds(1), Duration.ofSeconds(5));
        ManagedNginx nginx = new ManagedNginx(home.root(), home.nginxDir(), nginxConfig);
        SiteSwitch sites = new SiteSwitch(nginx);
        Path sitesDir = nginx.prepareAndSites();
        Files.writeString(sites.siteFile(APP), "# " + APP + ": release " + ID + ".\n");
        assertTrue(Files.isDirectory(sitesDir));
        RecordingBackend backend = new RecordingBackend();
        Path journal = home.journal(APP, ID);
        try (Journal j = Journal.open(journal)) {
            for (DeployEvent e : List.of(
                    new DeployEvent.Queued(ID, APP, SHA, "main", "push", "root"),
                    new DeployEvent.WorkerStarted(4_000_001),
                    new DeployEvent.Started(APP, SHA, "main", ID, OLD),
                    new DeployEvent.StepStarted(StepId.UPGRADE_SERVICE),
                    new DeployEvent.StartingInstance(ID, 40001, List.of("java", "Server.java")),
                    new DeployEvent.StepDone(StepId.UPGRADE_SERVICE, "healthy", Duration.ofSeconds(1)),
                    new DeployEvent.StepStarted(StepId.CONFIGURE_NGINX),
                    new DeployEvent.SwitchingNginx(ID, "this is not an nginx site;\n", OLD))) {
                j.appendDurably(e);
            }
        }
        Convergence convergence = new Convergence(home, server, backend, sites, (app, config) -> "http://" + app + ".localhost/");

        convergence.reconcile(journal, "signal 9");

        assertFalse(backend.retired.contains(ID), "the new instance, all nginx can send traffic to, was not stopped: " + backend.retired);
        List<DeployEvent> events = Journal.events(journal);
        DeployEvent.Reverted reverted = assertInstanceOf(DeployEvent.Reverted.class, events.get(events.size() - 2));
        assertTrue(reverted.problems().stream().anyMatch(p -> p.contains("kept the new instance " + ID + " running")), reverted.toString());
        DeployEvent.Failed failed = assertInstanceOf(DeployEvent.Failed.class, events.getLast());
        assertFalse(failed.restored(), "the push says undoing failed");
        assertEquals(StepId.CONFIGURE_NGINX, failed.step());
        assertEquals(java.util.Optional.of(ID), sites.servedRelease(APP),
                "the site file is still the one nginx runs, not the rejected text (which would fail every later reload)");
        assertEquals(java.util.Optional.empty(), nginx.test(), "nginx -t passes");
    }

    static final class RecordingBackend implements ServiceBackend {
        final List<String> retired = new CopyOnWriteArrayList<>();

        @Override
        public InstanceInfo start(InstanceSpec spec) throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public void stop(String app, String release, Duration timeout) {
            retired.add(release);
        }

        @Override
        public void retire(String app, String release, Duration drain, Duration timeout) {
            retired.add(release);
        }

        @Override
        public List<InstanceInfo> list() {
            return List.of(instance(OLD, 40000), instance(ID, 40001));
        }

        private static InstanceInfo instance(String release, int port) {
            return new InstanceInfo(APP, release, port, 1, InstanceInfo.RUNNING, 0, Instant.now(), "/dev/null", null);
        }
    }
}
