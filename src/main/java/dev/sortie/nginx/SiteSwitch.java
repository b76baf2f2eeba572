package dev.sortie.nginx;

import dev.sortie.config.ConfigException;
import dev.sortie.config.DomainName;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.pipeline.DeployLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points an app's nginx site at an instance: render, {@code nginx -t}, reload, wait until the reload's workers have taken
 * over from the old ones ({@link NginxWorkers}), then confirm that nginx really answers from the new release. On any failure
 * the previous site is put back.
 */
public final class SiteSwitch {

    /** The switch did not happen; the previous site is back in place. */
    public static final class SwitchFailed extends Exception {
        public SwitchFailed(String message) {
            super(message);
        }
    }

    /** How long to wait between two looks at nginx's processes or two probes. */
    static final Duration POLL = Duration.ofMillis(5);

    /** The first line the site template writes: {@code # APP: release RELEASE.} */
    private static final Pattern RELEASE_LINE = Pattern.compile("# (\\S+): release (\\S+)\\.");
    /** The shape of a release id (as {@code dev.sortie.release.ReleaseId}, which this package does not import). */
    private static final Pattern RELEASE_ID = Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{7}(-\\d+)?");

    /** The site template's file name, bundled and as a server overrides it. */
    public static final String SITE_TEMPLATE = "nginx-site.conf";

    private final Nginx nginx;

    public SiteSwitch(Nginx nginx) {
        this.nginx = nginx;
    }

    /** The nginx this switch drives (the certificates' challenges and renewals reload it too). */
    public Nginx nginx() {
        return nginx;
    }

    public Path siteFile(String app) {
        return nginx.sitesDir().resolve(nginx.siteFileName(app));
    }

    /** The app whose site a file in the sites directory is; empty for any other file (in nginx mode system, the system's). */
    public Optional<String> appOfSiteFile(String fileName) {
        return nginx.appOfSiteFile(fileName);
    }

    /** The site text for an app's release on one upstream port, with no options of the app's own. */
    public String render(String app, String release, List<String> domains, int upstreamPort) {
        return render(app, release, domains, List.of(upstreamPort), SiteOptions.NONE);
    }

    /**
     * The site text for an app's release: one upstream server a port, a request that finds an instance dead retried on
     * the next, and the app's own options. The template is the server's override when there is one ({@link
     * Nginx#templatesDir()}); one that lacks what the switch needs is refused here.
     */
    public String render(String app, String release, List<String> domains, List<Integer> upstreamPorts, SiteOptions options) {
        return render(app, release, domains, upstreamPorts, options, Optional.empty());
    }

    /**
     * As {@link #render(String, String, List, List, SiteOptions)}, with HTTPS when {@code tls} is given: the site also
     * listens on the HTTPS port with the certificate's files, and with {@link SiteTls#redirect()} plain HTTP answers a 301
     * to HTTPS (the 301 still carries {@code X-Sortie-Release}, so the switch is confirmed over HTTP as before).
     */
    public String render(String app, String release, List<String> domains, List<Integer> upstreamPorts, SiteOptions options,
            Optional<SiteTls> tls) {
        for (int i = 0; i < domains.size(); i++) {
            DomainName.require(domains.get(i), "domains[" + i + "]");
        }
        if (upstreamPorts.isEmpty()) {
            throw new IllegalArgumentException("a site needs at least one upstream port");
        }
        List<String> servers = upstreamPorts.stream().map(port -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("upstream port " + port + " is not a TCP port");
            }
            return "server 127.0.0.1:" + port + " max_fails=1 fail_timeout=2s;";
        }).toList();
        Template template = Template.forServer(nginx.templatesDir(), SITE_TEMPLATE);
        requireUses(template, "upstream_servers", "the instances' ports");
        if (!options.serverDirectives().isEmpty()) {
            requireUses(template, "server_options", "the app's nginx: settings (client_max_body_size, timeouts)");
        }
        if (!options.locationDirectives().isEmpty()) {
            requireUses(template, "location_options", "the app's nginx.include");
        }
        if (tls.isPresent()) {
            requireUses(template, "tls", "the HTTPS listen and certificate lines");
            requireUses(template, "acme_challenges", "the include of the ACME challenges (renewals are proven through the site)");
        }
        if (tls.isPresent() && tls.get().redirect()) {
            requireUses(template, "https_redirect", "whether plain HTTP goes to HTTPS");
        }
        String site = template.render(Map.ofEntries(
                Map.entry("app", app),
                Map.entry("release", release),
                Map.entry("domains", String.join(" ", domains)),
                Map.entry("listen", nginx.listenAddress()),
                Map.entry("port", Integer.toString(nginx.port())),
                Map.entry("https_port", Integer.toString(nginx.httpsPort())),
                Map.entry("https_redirect", tls.isPresent() && tls.get().redirect() ? "on" : "off"),
                Map.entry("acme_challenges", nginx.acmeChallengesDir().toString()),
                Map.entry("upstream_tries", Integer.toString(upstreamPorts.size())),
                Map.entry("template", template.origin()),
                Map.entry("override", nginx.templatesDir().resolve(SITE_TEMPLATE).toString())),
                Set.of("domains", "template"),
                Map.of("upstream_servers", servers,
                        "server_options", options.serverDirectives(),
                        "location_options", options.locationDirectives(),
                        "tls", tls.map(t -> t.directives(nginx.listenAddress(), nginx.httpsPort())).orElse(List.of())));
        if (!releaseNamed(app, site).equals(Optional.of(release))) {
            throw new IllegalArgumentException("template " + template.origin() + " must begin with the line "
                    + "# {{app}}: release {{release}}. (Sortie reads the live release from it)");
        }
        if (!site.contains("X-Sortie-Release " + release + " ")) {
            throw new IllegalArgumentException("template " + template.origin() + " must keep add_header X-Sortie-Release "
                    + "{{release}} always; (Sortie confirms a switch with it)");
        }
        return site;
    }

    private static void requireUses(Template template, String key, String what) {
        if (!template.uses(key)) {
            throw new IllegalArgumentException("template " + template.origin() + " has no {{" + key + "}} line, where Sortie writes "
                    + what + "; compare it with the bundled one (sortie server templates writes it beside yours as .bundled)");
        }
    }

    /** {@link #switchTo(String, String, List, List, SiteOptions, String, Duration)} for one instance and no options of the app's own. */
    public Optional<String> switchTo(String app, String release, List<String> domains, int upstreamPort, String probePath,
            Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        return switchTo(app, release, domains, List.of(upstreamPort), SiteOptions.NONE, probePath, timeout);
    }

    /**
     * Installs the site, reloads, waits until no nginx worker from before the reload accepts connections, then until nginx
     * answers {@code probePath} for {@code domains.get(0)} with the new release's header. When it returns, every new
     * connection is answered from the new release. A site nginx -t rejects (a broken include, say) fails with nginx's
     * message and the previous site stays.
     *
     * @return the site text that was there before, to switch back to (empty for a first deploy)
     */
    public Optional<String> switchTo(String app, String release, List<String> domains, List<Integer> upstreamPorts,
            SiteOptions options, String probePath, Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        return switchTo(app, release, domains, upstreamPorts, options, Optional.empty(), probePath, timeout);
    }

    /** As {@link #switchTo(String, String, List, List, SiteOptions, String, Duration)}, with HTTPS when {@code tls} is given. */
    public Optional<String> switchTo(String app, String release, List<String> domains, List<Integer> upstreamPorts,
            SiteOptions options, Optional<SiteTls> tls, String probePath, Duration timeout)
            throws SwitchFailed, IOException, InterruptedException {
        String site = render(app, release, domains, upstreamPorts, options, tls);
        try (DeployLock held = changes("switch of " + app + " to " + release)) {
            try {
                DomainClaims.check(app, domains, this); // again, now that no other site can change meanwhile
            } catch (ConfigException e) {
                throw new SwitchFailed(e.getMessage());
            }
            return install(app, release, domains, site, probePath, timeout);
        }
    }

    /** One site change at a time, across Sortie's processes (see {@link Nginx#changesLock()}). */
    private DeployLock changes(String what) throws IOException {
        return DeployLock.acquire(nginx.changesLock(), what + " by pid " + ProcessHandle.current().pid(), holder -> { });
    }

    private Optional<String> install(String app, String release, List<String> domains, String site, String probePath, Duration timeout)
            throws SwitchFailed, IOException, InterruptedException {
        nginx.prepare();
        Path file = siteFile(app);
        Optional<String> previous = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        write(file, site);
        Optional<String> invalid = nginx.test();
        if (invalid.isPresent()) {
            restore(file, previous);
            throw new SwitchFailed("nginx -t rejected the new site (previous site restored):\n" + invalid.get());
        }
        NginxWorkers.Snapshot before = NginxWorkers.of(nginx.masterPid());
        try {
            nginx.startOrReload();
        } catch (CommandFailedException e) {
            restore(file, previous);
            reloadQuietly();
            throw new SwitchFailed("nginx did not start or reload (previous site restored): " + e.getMessage()
                    + (e.tail().isEmpty() ? "" : "\n" + String.join("\n", e.tail())));
        }
        String host = probeHost(domains.getFirst());
        Optional<String> failure = confirm(before, host, probePath, Optional.of(release), timeout);
        if (failure.isPresent()) {
            restore(file, previous);
            reloadQuietly();
            throw new SwitchFailed(failure.get() + " (previous site restored; see " + nginx.errorLog() + ")");
        }
        return previous;
    }

    /**
     * Tests and reloads nginx as its files stand (a renewed certificate, an ACME challenge), and waits until no worker from
     * before the reload accepts connections: from then on every new connection gets the new files. Starts nginx when it
     * does not run.
     */
    public void reload(Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        try (DeployLock held = changes("reload")) {
            reloadAndConfirm(timeout);
        }
    }

    /**
     * Starts nginx when it does not run (a server start, a daemon after a reboot), under the lock every site change
     * takes: two of these at once (the CLI's server start and the daemon it started) start one master, not a second
     * that fails to bind. Waits until its workers run.
     *
     * @return whether this call started it
     */
    public boolean ensureRunning(Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        try (DeployLock held = changes("start of nginx")) {
            if (nginx.isRunning()) {
                return false;
            }
            reloadAndConfirm(timeout);
            return true;
        }
    }

    private void reloadAndConfirm(Duration timeout) throws SwitchFailed, IOException, InterruptedException {
        nginx.prepare();
        Optional<String> invalid = nginx.test();
        if (invalid.isPresent()) {
            throw new SwitchFailed("nginx -t failed, nothing reloaded:\n" + invalid.get());
        }
        NginxWorkers.Snapshot before = NginxWorkers.of(nginx.masterPid());
        try {
            nginx.startOrReload();
        } catch (CommandFailedException e) {
            throw new SwitchFailed("nginx did not start or reload: " + e.getMessage());
        }
        Optional<String> failure = confirm(before, null, null, Optional.empty(), timeout);
        if (failure.isPresent()) {
            throw new SwitchFailed(failure.get());
        }
    }

    /** The host name to probe a site domain with: a wildcard {@code *.example.com} as {@code sortie-probe.example.com}. */
    static String probeHost(String domain) {
        return domain.startsWith("*.") ? "sortie-probe" + domain.substring(1) : domain;
    }

    /** Puts back a site text (or removes the site) and reloads, without waiting: see {@link #restoreAndConfirm}. */
    public void restore(String app, Optional<String> previous) throws IOException, SwitchFailed {
        try (DeployLock held = changes("restore of " + app)) {
            putBack(app, previous);
        }
    }

    /**
     * Writes {@code previousSite} (or removes the site), tests and reloads; returns nginx's workers from before the
     * reload. A site nginx -t rejects, or does not reload, must not stay on disk: every later reload, of any app, would
     * fail on it, so the site nginx runs is put back then.
     */
    private NginxWorkers.Snapshot putBack(String app, Optional<String> previousSite) throws IOException, SwitchFailed {
        Path file = siteFile(app);
        Optional<String> running = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        restore(file, previousSite);
        Optional<String> invalid = nginx.test();
        if (invalid.isPresent()) {
            restore(file, running);
            throw new SwitchFailed("the restored site does not pass nginx -t (the site nginx runs was kept): " + invalid.get());
        }
        NginxWorkers.Snapshot before = NginxWorkers.of(nginx.masterPid());
        try {
            nginx.startOrReload();
        } catch (CommandFailedException e) {
            restore(file, running);
            throw new SwitchFailed("nginx did not reload the restored site (the site nginx runs was kept): " + e.getMessage());
        }
        return before;
    }

    /**
     * Puts back a site text (or removes the site), reloads, and waits until nginx has taken the restored site over: the
     * reload's workers run and no worker from before still accepts (see {@link NginxWorkers}). Then, when
     * {@code expectedRelease} is given, probes through nginx until {@code probeHost} (a domain of the site; a wildcard is
     * probed as {@code sortie-probe.}...) answers {@code probePath} from that release.
     *
     * @param expectedRelease the release the restored site names ({@link #releaseNamed}); empty for none, then nothing is
     *     probed
     */
    public void restoreAndConfirm(String app, Optional<String> previousSite, Optional<String> expectedRelease, String probeHost,
            String probePath, Duration timeout) throws IOException, SwitchFailed, InterruptedException {
        try (DeployLock held = changes("restore of " + app)) {
            NginxWorkers.Snapshot before = putBack(app, previousSite);
            Optional<String> failure = confirm(before, probeHost(probeHost), probePath, expectedRelease, timeout);
            if (failure.isPresent()) {
                throw new SwitchFailed(failure.get() + " after restoring the previous site (see " + nginx.errorLog() + ")");
            }
        }
    }

    /** The release that {@code sites/APP.conf} names on its first line; empty when there is no site or it names none. */
    public Optional<String> servedRelease(String app) throws IOException {
        Path file = siteFile(app);
        return Files.exists(file) ? releaseNamed(app, Files.readString(file)) : Optional.empty();
    }

    /** The release in a site text's first line, {@code # APP: release RELEASE.}, as the site template writes it. */
    public static Optional<String> releaseNamed(String app, String siteText) {
        int newline = siteText.indexOf('\n');
        Matcher m = RELEASE_LINE.matcher((newline < 0 ? siteText : siteText.substring(0, newline)).strip());
        if (!m.matches() || !m.group(1).equals(app) || !RELEASE_ID.matcher(m.group(2)).matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2));
    }

    /**
     * After a reload (or first start) that followed {@code before}: waits until nginx's workers have taken over, then probes
     * until one answer comes from {@code release}, if one is expected. Once no worker from before accepts, the first answer
     * from the new release is final: every later connection is accepted by a worker with the new config. Returns what went
     * wrong when {@code timeout} ran out first.
     */
    private Optional<String> confirm(NginxWorkers.Snapshot before, String host, String path, Optional<String> release,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> waiting;
        while ((waiting = NginxWorkers.waitingFor(before, nginx.masterPid())).isPresent()) {
            if (System.nanoTime() > deadline) {
                return Optional.of("nginx did not take the new config over within " + timeout.toSeconds() + "s: " + waiting.get());
            }
            Thread.sleep(POLL);
        }
        if (release.isEmpty()) {
            return Optional.empty();
        }
        while (true) {
            String seen = ReleaseProbe.releaseHeader(nginx.listenAddress(), nginx.port(), host, path).orElse("no release header");
            if (seen.equals(release.get())) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                return Optional.of("nginx still answers " + host + " from " + seen + " after " + timeout.toSeconds()
                        + "s, expected release " + release.get());
            }
            Thread.sleep(POLL);
        }
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
