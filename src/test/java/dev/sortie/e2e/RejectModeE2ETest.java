package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.testing.Await;
import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An app that rejects failed pushes: the remote branch always equals what is live, a dropped push included. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
@Tag("faults")
class RejectModeE2ETest {

    static final String APP = "gated";

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;
    static Path ctl;
    static Path repo;

    @BeforeAll
    static void create() throws Exception {
        sortie = new InstalledSortie(tmp);
        ctl = Files.createDirectories(tmp.resolve("faults"));
        String created = sortie.sortie("apps", "create", APP, "--reject-failed-pushes").assertOk().output();
        assertTrue(created.contains("a failed deploy rejects the push"), created);
        repo = sortie.home.resolve("apps/" + APP + "/repo.git");
        assertTrue(Files.isExecutable(repo.resolve("hooks/pre-receive")));
        assertFalse(Files.exists(repo.resolve("hooks/post-update")), "one hook deploys, not two");
        Path hooks = tmp.resolve("UpgradeHooks.java");
        Files.writeString(hooks, Files.readString(FaultsE2ETest.fixture("faulty").resolve("UpgradeHooks.java"))
                .replace("FAULTS_DIR", ctl.toString()));
        project = sortie.project(FaultsE2ETest.fixture("plain"), APP, APP, hooks);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void aPassingPushIsAcceptedAndTheBranchIsWhatIsLive() throws Exception {
        Proc.Result push = sortie.git(project, "push", "production", "main");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("is live at"), push.output());
        assertEquals("first release\n\n200", sortie.curl(sortie.url(APP)).output());
        assertBranchIsLive();
    }

    @Test
    @Order(2)
    void aFailingPushIsRejectedAndNothingMoves() throws Exception {
        String before = remoteMain();
        Files.writeString(project.resolve("message.txt"), "never served\n");
        Files.writeString(project.resolve("sortie.yml"), "run: [java, Missing.java]\nhealthcheck:\n  timeout: 20s\n");
        Proc.Result push = sortie.commitAndPush(project, "broken");
        assertNotEquals(0, push.exit(), "git push fails when the deploy fails:\n" + push.output());
        assertTrue(push.output().contains("deploy FAILED at upgrade_service"), push.output());
        assertTrue(push.output().contains("Push rejected: its deploy did not go live, so main stays where it was."), push.output());
        assertTrue(push.output().contains("pre-receive hook declined"), push.output());
        assertEquals(before, remoteMain(), "the branch did not move");
        assertEquals("first release\n\n200", sortie.curl(sortie.url(APP)).output());
        assertBranchIsLive();
        sortie.git(project, "reset", "-q", "--hard", "HEAD~1").assertOk();
    }

    @Test
    @Order(3)
    void anotherBranchIsAcceptedWithoutADeploy() throws Exception {
        String live = liveCommit();
        Proc.Result push = sortie.git(project, "push", "production", "main:refs/heads/feature");
        assertEquals(0, push.exit(), push.output());
        assertTrue(push.output().contains("pushed feature; only main deploys, so nothing was deployed."), push.output());
        assertEquals(live, liveCommit());
    }

    @Test
    @Order(3)
    void deletingTheDeployBranchIsRefusedAndAnotherBranchMayGo() throws Exception {
        Proc.Result delete = sortie.git(project, "push", "production", ":main");
        assertNotEquals(0, delete.exit(), delete.output());
        assertTrue(delete.output().contains("refusing to delete main, the deploy branch: it names what is live."), delete.output());
        assertBranchIsLive();
        Proc.Result feature = sortie.git(project, "push", "production", ":feature");
        assertEquals(0, feature.exit(), feature.output());
        assertTrue(feature.output().contains("deleted refs/heads/feature; nothing to deploy."), feature.output());
    }

    @Test
    @Order(4)
    void aPushWhoseConnectionDropsDuringTheDeployNeverGoesLive() throws Exception {
        String before = remoteMain();
        Files.writeString(project.resolve("sortie.yml"), Files.readString(FaultsE2ETest.fixture("plain").resolve("sortie.yml"))
                + "hooks:\n  timeout: 60s\n");
        Files.writeString(project.resolve("message.txt"), "dropped push\n");
        sortie.git(project, "commit", "-q", "-a", "-m", "dropped").assertOk();
        Files.writeString(ctl.resolve("wait-before_run_bots"), "");
        ProcessBuilder pb = new ProcessBuilder("git", "push", "production", "main").directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("dropped.log").toFile());
        pb.environment().put("SORTIE_HOME", sortie.home.toString());
        Process client = pb.start();
        Await.until("the deploy waits in before_run_bots", () -> Files.exists(ctl.resolve("at-before_run_bots")));
        client.destroyForcibly(); // the pusher's end of the connection goes away; the server side carries on
        client.waitFor();
        Files.writeString(ctl.resolve("go-before_run_bots"), "");
        Path journal = FaultsE2ETestJournals.newest(sortie.home, APP);
        String end = FaultsE2ETestJournals.awaitEnd(journal);
        // Either git's receive-pack noticed the dropped client and died (then the deploy must not go live),
        // or it outlived the client (then it moves the branch once the hook accepts). Both keep the branch equal to what is live.
        if (end.contains("\"type\":\"failed\"")) {
            assertTrue(end.contains("the push went away"), end);
            assertEquals(before, remoteMain(), "git did not move the branch");
            assertEquals("first release\n\n200", sortie.curl(sortie.url(APP)).output());
        } else {
            assertTrue(end.contains("\"type\":\"live\""), end);
            Await.until("git moves the branch to the live commit", () -> {
                try {
                    return remoteMain().equals(liveCommit());
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("dropped push\n\n200", sortie.curl(sortie.url(APP)).output());
        }
        assertBranchIsLive();
        Files.deleteIfExists(ctl.resolve("at-before_run_bots"));
        sortie.git(project, "fetch", "-q", "production").assertOk();
        sortie.git(project, "reset", "-q", "--hard", "production/main").assertOk();
    }

    @Test
    @Order(5)
    void theSettingSwitchesBackToAcceptThenDeploy() throws Exception {
        String out = sortie.sortie("apps", "set", APP, "reject_failed_pushes=false").assertOk().output();
        assertTrue(out.contains("post-update hook installed"), out);
        assertTrue(Files.isExecutable(repo.resolve("hooks/post-update")));
        assertFalse(Files.exists(repo.resolve("hooks/pre-receive")));
        Proc.Result bad = sortie.sortie("apps", "set", APP, "reject_failed_push=true");
        assertEquals(3, bad.exit(), bad.output());
        assertTrue(bad.output().contains("unknown setting reject_failed_push (did you mean reject_failed_pushes?)"), bad.output());
        Proc.Result value = sortie.sortie("apps", "set", APP, "reject_failed_pushes=yes");
        assertEquals(3, value.exit(), value.output());
        assertTrue(value.output().contains("is not true or false"), value.output());
    }

    private static String remoteMain() throws Exception {
        return sortie.git(repo, "rev-parse", "refs/heads/main").assertOk().output().strip();
    }

    private static String liveCommit() throws Exception {
        String record = Files.readString(sortie.home.resolve("apps/" + APP + "/current/release.json"));
        int i = record.indexOf("\"commit\" : \"") + "\"commit\" : \"".length();
        return record.substring(i, i + 40);
    }

    private static void assertBranchIsLive() throws Exception {
        assertEquals(remoteMain(), liveCommit(), "the remote branch equals what is live");
    }
}
