package dev.sortie.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.deploy.DeployState;
import dev.sortie.deploy.Journal;
import dev.sortie.pipeline.DeployEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the deploy commands do while the sortie server is down. */
@Timeout(60)
class DeploysComponentTest {

    @TempDir
    Path dir;

    /**
     * Listing reads the journals and starts nothing: a daemon started just to list brought back every
     * app instance after sortie server stop (without nginx). Here starting one would fail loudly.
     */
    @Test
    void listingWithTheServerDownReadsTheJournalsAndStartsNoServer() throws Exception {
        SortieHome home = new SortieHome(dir);
        Files.createDirectories(home.repo("hello"));
        String id = "20261201-120000-abcdef1";
        try (Journal journal = Journal.open(home.journal("hello", id))) {
            journal.appendDurably(new DeployEvent.Queued(id, "hello", "abcdef1234567890abcdef1234567890abcdef12", "main", "push", "root"));
        }
        Sortie sortie = new Sortie(home, ServerConfig.defaults(), Path.of(System.getProperty("java.home")), List.of("/bin/false"));
        Deploys deploys = new Deploys(sortie);

        List<DeployState> listed = deploys.list(null, 20);

        assertEquals(List.of(id), listed.stream().map(DeployState::deployId).toList());
        assertEquals(DeployState.QUEUED, listed.getFirst().status());
        assertFalse(deploys.serverRunning());
        assertFalse(Files.exists(home.serverLog()), "no server was started");
    }
}
