package dev.sortie.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.FleetConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.release.ReleaseStore;
import dev.sortie.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shipping without SSH: the primary's real tar of a release and git bundle of its commit, unpacked by the host's side
 * from a file instead of the ssh channel. A shipment that is not what it says is refused, and leaves nothing behind.
 */
@Timeout(120)
class ShippedReleasesComponentTest {

    static final String R = "20261202-120000-abcdef0";
    static final FleetConfig FLEET = new FleetConfig(List.of(new FleetConfig.Host("web1", null, "h", null)), null, null, null, false);

    @TempDir
    Path tmp;
    SortieHome host;
    Path source;
    String commit;
    Path release;

    @BeforeEach
    void primaryAndHost() throws Exception {
        source = tmp.resolve("source");
        git(tmp, "init", "-q", "-b", "main", source.toString());
        Files.writeString(source.resolve("Server.java"), "class Server {}\n");
        git(source, "add", "-A");
        git(source, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "one");
        commit = git(source, "rev-parse", "HEAD").strip();
        release = Files.createDirectories(tmp.resolve("primary/releases").resolve(R).resolve("app"));
        Files.writeString(release.resolve("Server.java"), "class Server {}\n");
        release = release.getParent();
        host = new SortieHome(tmp.resolve("host"));
        git(tmp, "init", "-q", "--bare", host.repo("shop").toString());
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        return Proc.run(dir, Map.of(), 60, argv).assertOk().output();
    }

    /** The tar stream the primary pipes into ssh, as a file. */
    Path tarOf(Shipment shipment) throws Exception {
        ReleaseShipper shipper = ReleaseShipper.prepare(FLEET, shipment, release, source.resolve(".git"), Map.of("GREETING", "hi"),
                tmp.resolve("extras-" + shipment.release()));
        Path tar = tmp.resolve(shipment.release() + ".tar");
        Process p = new ProcessBuilder(shipper.tarArgv()).redirectOutput(tar.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertEquals(0, p.waitFor());
        return tar;
    }

    List<String> leftovers() throws IOException {
        Path fleet = host.appDir("shop").resolve("fleet");
        if (!Files.isDirectory(fleet)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(fleet)) {
            return all.filter(p -> !p.equals(fleet) && !p.equals(fleet.resolve("shipped"))).map(p -> fleet.relativize(p).toString()).toList();
        }
    }

    @Test
    void aShipmentIsUnpackedItsCommitFetchedAndAdopted() throws Exception {
        Path tar = tarOf(new Shipment("shop", R, commit, "main", "alice", List.of("java", "Server.java")));
        ShippedReleases shipped = new ShippedReleases(host);
        Shipment s = shipped.receive("shop", R, ProcessBuilder.Redirect.from(tar.toFile()));
        assertEquals(commit, s.commit());
        assertEquals(List.of("java", "Server.java"), shipped.read("shop", R).run());
        assertEquals(Map.of("GREETING", "hi"), shipped.env("shop", R));
        assertEquals(commit, git(tmp, "--git-dir", host.repo("shop").toString(), "rev-parse", "refs/sortie/fleet/" + R).strip());
        assertFalse(Files.exists(shipped.dir("shop", R).resolve(Shipment.BUNDLE)));
        ReleaseStore store = new ReleaseStore(host.appDir("shop").resolve("releases"), host.appDir("shop").resolve("current"));
        Path adopted = shipped.adopt(store, "shop", R, "20261202-120100-abcdef0");
        assertEquals("class Server {}\n", Files.readString(adopted.resolve("app/Server.java")));
        assertTrue(Files.exists(adopted.resolve("env")));
        IOException again = assertThrows(IOException.class, () -> shipped.adopt(store, "shop", R, "20261202-120200-abcdef0"));
        assertTrue(again.getMessage().contains("deployed already"), again.getMessage());
    }

    @Test
    void aShipmentThatNamesAnotherReleaseIsRefusedAndLeavesNothing() throws Exception {
        Path tar = tarOf(new Shipment("shop", R, commit, "main", "alice", List.of()));
        String other = "20261202-130000-abcdef0";
        IOException e = assertThrows(IOException.class, () -> new ShippedReleases(host).receive("shop", other,
                ProcessBuilder.Redirect.from(tar.toFile())));
        assertEquals("the shipment is release " + R + " of shop, not " + other + " of shop", e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aBrokenStreamIsRefusedAndLeavesNothing() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.tar"), "not a tar stream\n".repeat(100));
        IOException e = assertThrows(IOException.class, () -> new ShippedReleases(host).receive("shop", R, ProcessBuilder.Redirect.from(junk.toFile())));
        assertTrue(e.getMessage().startsWith("tar -x exited with 2: "), e.getMessage());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aCommitThatIsNotInTheBundleIsRefused() throws Exception {
        String missing = "0123456789abcdef0123456789abcdef01234567";
        assertThrows(Exception.class, () -> tarOf(new Shipment("shop", R, missing, "main", "alice", List.of())));
        assertThrows(IllegalArgumentException.class, () -> new ShippedReleases(host).receive("shop", "../x", ProcessBuilder.Redirect.INHERIT));
    }
}
