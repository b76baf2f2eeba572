package dev.sortie.fleet;

import dev.sortie.config.FleetConfig;
import dev.sortie.release.EnvFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.BundleWriter;

/**
 * Ships a built release to a host: a tar stream of its {@code app/} files, the config snapshot, {@code shipment.json}
 * and a git bundle of its commit, piped ({@code tar -c | ssh HOST sortie fleet receive APP RELEASE}, argv both) into the
 * host's Sortie, which unpacks it into a staging dir and adopts it whole, or not at all.
 */
public final class ReleaseShipper {

    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final FleetConfig fleet;
    private final Shipment shipment;
    private final Path releaseDir;
    private final Path extras;

    private ReleaseShipper(FleetConfig fleet, Shipment shipment, Path releaseDir, Path extras) {
        this.fleet = fleet;
        this.shipment = shipment;
        this.releaseDir = releaseDir;
        this.extras = extras;
    }

    /**
     * Writes what goes beside the release's files into {@code extras} (made fresh): shipment.json, the config snapshot
     * (0600) and the bundle of the commit from {@code repoDir}.
     */
    public static ReleaseShipper prepare(FleetConfig fleet, Shipment shipment, Path releaseDir, Path repoDir, Map<String, String> env,
            Path extras) throws IOException {
        Files.createDirectories(extras);
        shipment.write(extras.resolve(Shipment.FILE));
        EnvFile.write(extras.resolve(EnvFile.SNAPSHOT), env, "config of release " + shipment.release() + " (shipped by the primary)");
        try (Repository repo = new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setMustExist(true).build();
                OutputStream out = Files.newOutputStream(extras.resolve(Shipment.BUNDLE))) {
            BundleWriter bundle = new BundleWriter(repo);
            bundle.include(shipment.ref(), ObjectId.fromString(shipment.commit()));
            bundle.writeBundle(NullProgressMonitor.INSTANCE, out);
        }
        return new ReleaseShipper(fleet, shipment, releaseDir, extras);
    }

    /** The local half of the pipe: tar of the release's app/ and the extras, to stdout. */
    List<String> tarArgv() {
        return List.of("tar", "-c", "-f", "-", "-C", releaseDir.toString(), "app", "-C", extras.toString(), Shipment.FILE,
                EnvFile.SNAPSHOT, Shipment.BUNDLE);
    }

    List<String> sshArgv(FleetConfig.Host host) {
        return SshArgv.ssh(fleet, host, List.of("fleet", "receive", shipment.app(), shipment.release()));
    }

    /** Ships to one host; null when it arrived, else why not. */
    String ship(FleetConfig.Host host, Consumer<String> lines) throws IOException, InterruptedException {
        RemoteRun.Ran ran = RemoteRun.run(tarArgv(), sshArgv(host), TIMEOUT, lines);
        if (ran.producerError() != null) {
            return ran.producerError();
        }
        if (ran.exit() == -1) {
            return "shipping took longer than " + TIMEOUT.toMinutes() + " minutes";
        }
        return ran.exit() == 0 ? null : "sortie fleet receive exited with " + ran.exit() + ": " + ran.last();
    }

    Shipment shipment() {
        return shipment;
    }
}
