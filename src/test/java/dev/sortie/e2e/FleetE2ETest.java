package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.testing.NetnsHosts;
import dev.sortie.testing.PrivateSshd;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Wrk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of three hosts, each a network namespace with its own sshd, Sortie and nginx ({@link NetnsHosts}); the
 * primary is the test's own installed Sortie outside them. A push to the primary checks every host, builds once, ships
 * the release and rolls it out one host at a time. Pushes are real git pushes; traffic is real wrk load through a host's
 * nginx.
 */
@Tag("fleet")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class FleetE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static NetnsHosts fleet;
    static InstalledSortie primary;
    static Path key;
    static Path knownHosts;
    static Path project;
    static String baseConfig;
    static String appHost;

    @BeforeAll
    static void hostsAndPrimary() throws Exception {
        key = PrivateSshd.keygen(Files.createDirectories(tmp.resolve("keys")).resolve("primary"));
        fleet = new NetnsHosts(tmp.resolve("hosts"), InstalledSortie.bin(), Path.of(key + ".pub"), List.of("web1", "web2", "web3"));
        knownHosts = fleet.knownHosts(tmp.resolve("ssh/known_hosts"));
        primary = new InstalledSortie(tmp.resolve("primary"));
        baseConfig = Files.readString(primary.home.resolve("sortie.yml"));
        configure(fleet.hosts().stream().map(h -> "{name: " + h.name() + ", ssh: " + h.sshTarget() + "}").toList(), knownHosts);
        primary.sortie("apps", "create", "shop").assertOk();
        project = primary.project(FaultsE2ETest.fixture("fleet"), "shop", "shop");
        appHost = "shop.localhost";
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (primary != null) {
                primary.close();
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    /** The primary's sortie.yml with these fleet hosts; the daemon restarts, so its workers read it. */
    static void configure(List<String> hosts, Path knownHostsFile) throws IOException, InterruptedException {
        Files.writeString(primary.home.resolve("sortie.yml"), baseConfig + "fleet:\n  hosts: [" + String.join(", ", hosts) + "]\n"
                + "  rolling: {batch: 1, pause: 1s}\n  identity: " + key + "\n  known_hosts: " + knownHostsFile + "\n");
        primary.sortie("server", "stop");
        primary.sortie("server", "start").assertOk();
    }

    static Proc.Result push(String message) throws IOException, InterruptedException {
        Files.writeString(project.resolve("message.txt"), message + "\n");
        Proc.Result push = primary.commitAndPush(project, message);
        System.out.println("== push " + message + " (exit " + push.exit() + ")\n" + push.output()); // in the test's report
        return push;
    }

    /** A push that must go live on the whole fleet (git's exit code says only that git took the commit). */
    static Proc.Result pushLive(String message) throws IOException, InterruptedException {
        Proc.Result push = push(message).assertOk();
        assertTrue(push.output().matches("(?s).*remote: =====> shop \\S+ is live at .*"), push.output());
        return push;
    }

    static NetnsHosts.Host host(String name) {
        return fleet.host(name);
    }

    /** The release {@code current} names on a host, or (none). */
    static String live(NetnsHosts.Host h) throws IOException {
        Path current = h.home().resolve("apps/shop/current");
        return Files.isSymbolicLink(current) ? Files.readSymbolicLink(current).getFileName().toString() : "(none)";
    }

    static JsonNode record(NetnsHosts.Host h, String release) throws IOException {
        return JSON.readTree(h.home().resolve("apps/shop/releases").resolve(release).resolve("release.json").toFile());
    }

    static String body(NetnsHosts.Host h) throws IOException, InterruptedException {
        Proc.Result r = fleet.curl(h, appHost, "/");
        assertTrue(r.output().endsWith("\n200"), h.name() + ": " + r.output());
        return r.output().substring(0, r.output().length() - "\n200".length()).strip();
    }

    /** The release the push built: the newest roll record on the primary. */
    static String pushedRelease(Proc.Result push) throws IOException {
        try (var files = Files.list(primary.home.resolve("apps/shop/fleet"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no roll record; push output:\n" + push.output()));
        }
    }

    static boolean shippedAnywhere() throws IOException {
        for (NetnsHosts.Host h : fleet.hosts()) {
            Path shipped = h.home().resolve("apps/shop/fleet/shipped");
            if (Files.isDirectory(shipped)) {
                try (var s = Files.list(shipped)) {
                    if (s.findAny().isPresent()) {
                        return true;
                    }
                }
            }
            if (Files.isDirectory(h.home().resolve("apps/shop/releases"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Order(1)
    void anUnreachableHostIsRefusedBeforeAnythingIsBuiltOrShipped() throws Exception {
        List<String> hosts = new ArrayList<>(fleet.hosts().stream().map(h -> "{name: " + h.name() + ", ssh: " + h.sshTarget() + "}").toList());
        hosts.add("{name: web9, ssh: root@" + NetnsHosts.SUBNET + ".99}");
        configure(hosts, knownHosts);
        try {
            Proc.Result push = push("never shipped");
            assertTrue(push.output().contains("deploy FAILED before the first step: fleet check: "), push.output());
            assertTrue(push.output().contains("fleet check: web9 (root@" + NetnsHosts.SUBNET + ".99): unreachable over SSH"), push.output());
            assertTrue(push.output().contains("nothing was built or shipped"), push.output());
            assertFalse(push.output().contains("-----> deps"), push.output());
            assertFalse(shippedAnywhere(), "a host got something");
        } finally {
            configure(fleet.hosts().stream().map(h -> "{name: " + h.name() + ", ssh: " + h.sshTarget() + "}").toList(), knownHosts);
        }
    }

    @Test
    @Order(2)
    void aHostKeyThatDoesNotMatchIsRefusedNamingTheHost() throws Exception {
        // web2's line holds another key: as if web2 were an impostor
        Path other = PrivateSshd.keygen(tmp.resolve("keys/impostor"));
        String impostor = Files.readString(Path.of(other + ".pub")).split(" ")[1];
        List<String> lines = new ArrayList<>(Files.readAllLines(knownHosts));
        String web2 = host("web2").address();
        lines.replaceAll(l -> l.startsWith(web2 + " ") ? web2 + " ssh-ed25519 " + impostor : l);
        Path wrong = Files.write(tmp.resolve("ssh/wrong_known_hosts"), lines);
        configure(fleet.hosts().stream().map(h -> "{name: " + h.name() + ", ssh: " + h.sshTarget() + "}").toList(), wrong);
        try {
            Proc.Result push = push("never shipped either");
            assertTrue(push.output().contains("deploy FAILED before the first step: fleet check: "), push.output());
            assertTrue(push.output().contains("fleet check: web2 (" + host("web2").sshTarget() + "): its host key does not match " + wrong),
                    push.output());
            assertFalse(push.output().contains("web1 ("), push.output());
            assertFalse(shippedAnywhere(), "a host got something");
        } finally {
            configure(fleet.hosts().stream().map(h -> "{name: " + h.name() + ", ssh: " + h.sshTarget() + "}").toList(), knownHosts);
        }
    }

    @Test
    @Order(3)
    void aPushRollsOverEveryHostAndTheRecordsAgree() throws Exception {
        Proc.Result push = pushLive("fleet v1");
        String out = push.output();
        assertTrue(out.contains("fleet: 3 hosts ready (web1, web2, web3)"), out);
        assertTrue(out.contains("-----> package"), out);
        assertTrue(out.matches("(?s).*shipped \\S+ to 3 hosts in .*"), out);
        assertTrue(out.indexOf("batch 1/3: web1") < out.indexOf("batch 2/3: web2") && out.indexOf("batch 2/3: web2") < out.indexOf("batch 3/3: web3"), out);
        // every host ran the release through its own steps, after every host had it
        assertTrue(out.lastIndexOf("received ") < out.indexOf("batch 1/3"), out);
        assertTrue(out.contains("web2: -----> upgrade_service"), out);
        String release = pushedRelease(push);
        JsonNode roll = JSON.readTree(primary.home.resolve("apps/shop/fleet").resolve(release + ".json").toFile());
        assertEquals("live", roll.get("outcome").asText(), roll.toString());
        for (NetnsHosts.Host h : fleet.hosts()) {
            JsonNode r = record(h, live(h));
            assertEquals("fleet", r.get("kind").asText(), r.toString());
            assertEquals(release, r.get("source").asText(), r.toString());
            assertEquals("live", r.get("outcome").asText(), r.toString());
            assertEquals("fleet v1", body(h));
        }
        assertEquals(3, roll.get("hosts").size());
        roll.get("hosts").forEach(h -> assertEquals("live", h.get("outcome").asText(), roll.toString()));
        String commit = record(host("web1"), live(host("web1"))).get("commit").asText();
        for (NetnsHosts.Host h : fleet.hosts()) {
            assertEquals(commit, record(h, live(h)).get("commit").asText());
        }
    }

    @Test
    @Order(4)
    void aSecondRollUnderLoadServesEveryRequest() throws Exception {
        CompletableFuture<Wrk.Counts> load = Wrk.start("http://" + host("web1").address() + ":" + NetnsHosts.NGINX_PORT + "/", appHost, 4, 40);
        Thread.sleep(1000);
        Proc.Result push = push("fleet v2");
        Wrk.Counts counts = load.join();
        assertTrue(push.output().matches("(?s).*remote: =====> shop \\S+ is live at .*"), push.output());
        // the project's rule for traffic under a switch: no non-2xx, no refused connection or timeout, and read errors only
        // from the keep-alive race of an nginx reload (see FaultsE2ETest)
        FaultsE2ETest.assertNoFailedRequests(counts);
        for (NetnsHosts.Host h : fleet.hosts()) {
            assertEquals("fleet v2", body(h));
        }
    }

    @Test
    @Order(5)
    void aHostThatFailsItsHealthCheckInTheSecondBatchStopsTheRollAndTheFirstGoesBack() throws Exception {
        Map<String, String> before = new HashMap<>();
        for (NetnsHosts.Host h : fleet.hosts()) {
            before.put(h.name(), live(h));
        }
        Path sick = Files.writeString(host("web2").home().resolve("unhealthy"), "");
        CompletableFuture<Wrk.Counts> load = Wrk.start("http://" + host("web1").address() + ":" + NetnsHosts.NGINX_PORT + "/", appHost, 4, 50);
        Proc.Result push;
        try {
            Thread.sleep(1000);
            push = push("fleet v3");
        } finally {
            Files.delete(sick);
        }
        Wrk.Counts counts = load.join();
        String out = push.output();
        assertTrue(out.contains("deploy FAILED at upgrade_service: on web2 at upgrade_service: GET /health"), out);
        assertTrue(out.contains("switched back: web1"), out);
        FaultsE2ETest.assertNoFailedRequests(counts);

        // web1 switched to v3 and back: its live release is a rollback to the release it ran before
        JsonNode web1 = record(host("web1"), live(host("web1")));
        assertEquals("rollback", web1.get("kind").asText(), web1.toString());
        assertEquals(before.get("web1"), web1.get("source").asText(), web1.toString());
        assertEquals("fleet v2", body(host("web1")));
        // web2 failed on its own and kept its release; web3 was never touched
        assertEquals(before.get("web2"), live(host("web2")));
        assertEquals(before.get("web3"), live(host("web3")));
        assertEquals("fleet v2", body(host("web2")));
        assertEquals("fleet v2", body(host("web3")));
        // the records agree: the primary's roll record, and each host's own journal
        String release = pushedRelease(push);
        JsonNode roll = JSON.readTree(primary.home.resolve("apps/shop/fleet").resolve(release + ".json").toFile());
        assertEquals("failed", roll.get("outcome").asText());
        assertEquals("web2", roll.get("failed_host").asText());
        Map<String, String> outcomes = new HashMap<>();
        roll.get("hosts").forEach(h -> outcomes.put(h.get("host").asText(), h.get("outcome").asText()));
        assertEquals(Map.of("web1", "reverted", "web2", "failed", "web3", "not_rolled"), outcomes);
        String web2Deploys = fleet.sortie(host("web2"), "deploys", "shop").assertOk().output();
        assertTrue(web2Deploys.contains("failed"), web2Deploys);
        String primaryDeploys = primary.sortie("deploys", "shop").assertOk().output();
        assertTrue(primaryDeploys.contains(release), primaryDeploys);
    }
}
