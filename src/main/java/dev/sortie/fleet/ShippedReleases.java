package dev.sortie.fleet;

import dev.sortie.config.AppName;
import dev.sortie.config.SortieHome;
import dev.sortie.release.EnvFile;
import dev.sortie.release.ReleaseId;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A host's side of shipping: releases a primary sent, kept in {@code apps/APP/fleet/shipped/RELEASE/} until a fleet
 * deploy adopts one as a release of the host's own. A shipment is unpacked into a staging dir, checked, its commit
 * fetched from the bundle into the app's repo (under {@code refs/sortie/fleet/RELEASE}), and only then renamed into place.
 */
public final class ShippedReleases {

    private final SortieHome home;

    public ShippedReleases(SortieHome home) {
        this.home = home;
    }

    public Path dir(String app, String release) {
        return home.appDir(AppName.require(app)).resolve("fleet").resolve("shipped").resolve(requireId(release));
    }

    /** Unpacks the tar stream on this process's stdin (as {@code ssh ... fleet receive} hands it) and adopts it. */
    public Shipment receive(String app, String release) throws IOException, InterruptedException {
        return receive(app, release, ProcessBuilder.Redirect.INHERIT);
    }

    /** Unpacks the tar stream {@code tar} reads from and adopts it; on any problem nothing is kept. */
    Shipment receive(String app, String release, ProcessBuilder.Redirect tar) throws IOException, InterruptedException {
        AppName.require(app);
        requireId(release);
        if (!Files.isDirectory(home.repo(app))) {
            throw new IOException("no app " + app + " on this host");
        }
        Path fleetDir = Files.createDirectories(home.appDir(app).resolve("fleet"));
        Path incoming = Files.createTempDirectory(fleetDir, "incoming-" + release + "-");
        try {
            // the stream is the primary's (an admin key's); tar refuses members with .. and strips a leading /
            run(List.of("tar", "-x", "-f", "-", "-C", incoming.toString(), "--no-same-owner", "--no-overwrite-dir"), tar);
            Shipment shipment = Shipment.read(incoming.resolve(Shipment.FILE)).check(app, release);
            if (!Files.isDirectory(incoming.resolve(ReleaseStore.APP_DIR))) {
                throw new IOException("the shipment of " + release + " holds no app/ dir");
            }
            run(List.of("git", "--git-dir", home.repo(app).toString(), "fetch", "-q", incoming.resolve(Shipment.BUNDLE).toString(),
                    "+" + shipment.ref() + ":" + shipment.ref()), null);
            Files.delete(incoming.resolve(Shipment.BUNDLE));
            Path target = dir(app, release);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                delete(target); // shipped again (a retried roll): the newer copy wins
            }
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            return shipment;
        } finally {
            if (Files.exists(incoming)) {
                delete(incoming);
            }
        }
    }

    public Shipment read(String app, String release) throws IOException {
        return Shipment.read(dir(app, release).resolve(Shipment.FILE)).check(app, release);
    }

    /**
     * Makes host release {@code id} of shipped release {@code release}: its app/ files are moved (a rename: no copy) into
     * the store's staging dir beside the config snapshot, which is renamed into place.
     */
    public Path adopt(ReleaseStore store, String app, String release, String id) throws IOException {
        Path shipped = dir(app, release);
        Path files = shipped.resolve(ReleaseStore.APP_DIR);
        if (!Files.isDirectory(files)) {
            throw new IOException("shipped release " + release + " of " + app + " has no files left at " + files
                    + " (deployed already): ship it again from the primary");
        }
        Path staging = Files.createDirectories(store.staging(id));
        Files.move(files, staging.resolve(ReleaseStore.APP_DIR), StandardCopyOption.ATOMIC_MOVE);
        Files.move(shipped.resolve(EnvFile.SNAPSHOT), staging.resolve(EnvFile.SNAPSHOT), StandardCopyOption.ATOMIC_MOVE);
        return store.publish(id);
    }

    /** The config snapshot that came with a shipped release. */
    public Map<String, String> env(String app, String release) throws IOException {
        return EnvFile.read(dir(app, release).resolve(EnvFile.SNAPSHOT));
    }

    private static String requireId(String release) {
        if (!ReleaseId.isValid(release)) {
            throw new IllegalArgumentException("not a release id: " + release);
        }
        return release;
    }

    private static void run(List<String> argv, ProcessBuilder.Redirect stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.redirectInput(stdin != null ? stdin : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(argv.getFirst() + " did not finish within 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv.subList(0, 2)) + " exited with " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
