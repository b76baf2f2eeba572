package dev.sortie.nginx;

import dev.sortie.config.DomainName;
import dev.sortie.exec.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Points an app's nginx site at an instance: render, {@code nginx -t}, reload, then confirm that
 * nginx really answers from the new release. On any failure the previous site is put back.
 */
public final class SiteSwitch {

    /** The switch did not happen; the previous site is back in place. */
    public static final class SwitchFailed extends Exception {
        public SwitchFailed(String message) {
            super(message);
        }
    }

    /** How long every probe must show the new release before the switch counts as done. */
    static final Duration SETTLE = Duration.ofMillis(500);

    private final ManagedNginx nginx;

    public SiteSwitch(ManagedNginx nginx) {
        this.nginx = nginx;
    }

    public Path siteFile(String app) {
        return nginx.sitesDir().resolve(app + ".conf");
    }

    /** The site text for an app's release on an upstream port. */
    public String render(String app, String release, List<String> domains, int upstreamPort) {
        for (int i = 0; i < domains.size(); i++) {
            DomainName.require(domains.get(i), "domains[" + i + "]");
        }
        return Template.bundled("nginx-site.conf").render(Map.of(
                "app", app,
                "release", release,
                "domains", String.join(" ", domains),
                "listen", nginx.listenAddress(),
                "port", Integer.toString(nginx.port()),
                "upstream_port", Integer.toString(upstreamPort)), Set.of("domains"));
    }

    /**
     * Installs the site and waits until nginx answers {@code probePath} for {@code domains.get(0)}
     * with the new release's header.
     *
     * @return the site text that was there before, to switch back to (empty for a first deploy)
     */
    public Optional<String> switchTo(String app, String release, List<String> domains, int upstreamPort, String probePath,
            Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        String site = render(app, release, domains, upstreamPort);
        nginx.prepare();
        Path file = siteFile(app);
        Optional<String> previous = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        write(file, site);
        Optional<String> invalid = nginx.test();
        if (invalid.isPresent()) {
            restore(file, previous);
            throw new SwitchFailed("nginx -t rejected the new site (previous site restored):\n" + invalid.get());
        }
        try {
            nginx.startOrReload();
        } catch (CommandFailedException e) {
            restore(file, previous);
            reloadQuietly();
            throw new SwitchFailed("nginx did not start or reload (previous site restored): " + e.getMessage()
                    + (e.tail().isEmpty() ? "" : "\n" + String.join("\n", e.tail())));
        }
        String host = domains.getFirst().startsWith("*.") ? "sortie-probe" + domains.getFirst().substring(1) : domains.getFirst();
        Optional<String> seen = awaitRelease(host, probePath, release, timeout);
        if (seen.isPresent()) {
            restore(file, previous);
            reloadQuietly();
            throw new SwitchFailed("nginx still answers " + host + " from " + seen.get() + " after " + timeout.toSeconds()
                    + "s, expected release " + release + " (previous site restored; see " + nginx.commands().errorLog() + ")");
        }
        return previous;
    }

    /** Puts back a site text (or removes the site) and reloads. */
    public void restore(String app, Optional<String> previous) throws IOException, SwitchFailed {
        restore(siteFile(app), previous);
        Optional<String> invalid = nginx.test();
        if (invalid.isPresent()) {
            throw new SwitchFailed("the restored site does not pass nginx -t: " + invalid.get());
        }
        try {
            nginx.startOrReload();
        } catch (CommandFailedException e) {
            throw new SwitchFailed("nginx did not reload the restored site: " + e.getMessage());
        }
    }

    /**
     * Polls through nginx until the release header shows {@code release} on every answer for {@link #SETTLE}; returns what it
     * saw instead on timeout. One answer is not enough: after a reload nginx lets its old workers keep accepting for a
     * moment (about 100ms) beside the new ones, so an answer from the new release can still be followed by an old one.
     */
    private Optional<String> awaitRelease(String host, String path, String release, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = "nothing";
        long settledFrom = -1;
        while (System.nanoTime() < deadline) {
            seen = ReleaseProbe.releaseHeader(nginx.listenAddress(), nginx.port(), host, path).orElse("no release header");
            if (!seen.equals(release)) {
                settledFrom = -1;
            } else if (settledFrom < 0) {
                settledFrom = System.nanoTime();
            } else if (System.nanoTime() - settledFrom >= SETTLE.toNanos()) {
                return Optional.empty();
            }
            Thread.sleep(50);
        }
        return Optional.of(seen);
    }

    private void reloadQuietly() {
        try {
            if (nginx.test().isEmpty()) {
                nginx.startOrReload();
            }
        } catch (CommandFailedException ignored) {
            // best effort after a failure that is already being reported
        }
    }

    private static void restore(Path file, Optional<String> previous) throws IOException {
        if (previous.isPresent()) {
            write(file, previous.get());
        } else {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
