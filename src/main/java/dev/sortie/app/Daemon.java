package dev.sortie.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.config.AppConfig;
import dev.sortie.config.AppName;
import dev.sortie.deploy.AppUsers;
import dev.sortie.deploy.Convergence;
import dev.sortie.deploy.DeployQueue;
import dev.sortie.deploy.Journal;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.NginxLogRotation;
import dev.sortie.nginx.SiteOptions;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleaseId;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.LogRotation;
import dev.sortie.service.RunAs;
import dev.sortie.service.SupervisorServer;
import dev.sortie.steps.RemoteSites;
import dev.sortie.tls.Certificates;
import dev.sortie.tls.TlsFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sortie server} daemon: the supervisor of app instances and the deploy queue behind
 * one Unix socket. Deploys run in worker processes it starts; whatever happens to a worker, the
 * daemon ends its deploy from the journal.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** The deploy ops' arguments and results are deploy events and states: the journal's JSON form. */
    private static final ObjectMapper JSON = Journal.JSON;
    /** How often the managed nginx's log sizes are checked. */
    static final Duration NGINX_LOG_CHECK = Duration.ofSeconds(30);
    /** How often the served certificates are checked for renewal (each is renewed with a third of its lifetime left). */
    static final Duration CERTIFICATE_CHECK = Duration.ofHours(6);

    /** A {@code sortie deploy} of a commit already in the repo: it runs whatever the branch does meanwhile. */
    record DeployArgs(String app, String commit, String branch, String by) {
    }

    /** A push as its git hook reports it: a ref (and, from pre-receive, the pushed commit and the gate). */
    record PushArgs(String app, String ref, String commit, String by, DeployEvent.Gate gate) {
    }

    record CancelArgs(String target, String by) {
    }

    /** A deploy of a stored release: {@code kind} is rollback, config or restart; {@code source} the release it runs. */
    record StoredArgs(String app, String kind, String source, String by) {
    }

    record StopArgs(String app, String by) {
    }

    private final Sortie sortie;
    private final SupervisorServer server;
    private final WorkerProcesses workers;
    private final DeployQueue queue;
    private final ScheduledExecutorService rotation = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
            .name("nginx log rotation").factory());

    /** @param view how pushes followed in the daemon are shown (the {@code push_follow} op) */
    public Daemon(Sortie sortie, PushView view) {
        this.sortie = sortie;
        this.server = new SupervisorServer(sortie.home().socket(), sortie.home().runDir().resolve("server.pid"),
                sortie.server().stopTimeout(), sortie.home().runDir().resolve("instances.json"),
                new LogRotation(sortie.server().logs().maxSize(), sortie.server().logs().keep()));
        this.workers = new WorkerProcesses(sortie);
        Convergence convergence = new Convergence(sortie.home(), sortie.server(), server.backend(), sortie.sites(),
                sortie::url);
        this.queue = new DeployQueue(sortie.home(), workers, convergence);
        PushStream pushes = new PushStream(sortie, queue, Objects.requireNonNull(view, "view"));
        server.extend(new SupervisorServer.Extension() {
            @Override
            public boolean streams(String op) {
                return PushStream.OP.equals(op);
            }

            @Override
            public void stream(String op, JsonNode args, OutputStream out) throws IOException, InterruptedException {
                pushes.follow(JSON.treeToValue(args, PushArgs.class), out);
            }

            @Override
            public Optional<JsonNode> handle(String op, JsonNode args) throws IOException, InterruptedException {
                return Daemon.this.handle(op, args);
            }

            @Override
            public Optional<JsonNode> handleForApp(String app, String op, JsonNode args) throws IOException, InterruptedException {
                return Daemon.this.handleForApp(app, op, args);
            }
        });
        if (sortie.server().appUsers()) {
            server.listenForApps(sortie.home().appSocket(), Daemon.this::appOf);
        }
    }

    /** Binds the socket, adopts the instances it had, ends the deploys a previous daemon left unfinished. */
    public void start() throws IOException {
        server.start();
        workers.warm();
        queue.recover();
        serveSites();
        rotation.scheduleWithFixedDelay(this::rotateNginxLogs, NGINX_LOG_CHECK.toSeconds(), NGINX_LOG_CHECK.toSeconds(), TimeUnit.SECONDS);
        rotation.scheduleWithFixedDelay(this::renewCertificates, NGINX_LOG_CHECK.toSeconds(), CERTIFICATE_CHECK.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * After a reboot (or a {@code kill} of the master) the managed nginx is not running while apps have live sites: the
     * recovery above only restarts it when a site had to be pointed elsewhere. Start it, so what is live serves again.
     */
    private void serveSites() {
        if (!(sortie.nginx() instanceof ManagedNginx managed) || managed.isRunning()) {
            return;
        }
        try (var files = java.nio.file.Files.list(managed.sitesDir())) {
            List<String> apps = files.map(f -> managed.appOfSiteFile(f.getFileName().toString())).flatMap(Optional::stream).toList();
            if (apps.isEmpty()) {
                return;
            }
            if (sortie.sites().ensureRunning(Duration.ofSeconds(15))) { // else the CLI's server start was first
                LOG.info("started the managed nginx, which was not running, for the sites of {}", String.join(", ", apps));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no sites yet
        } catch (IOException | SiteSwitch.SwitchFailed | RuntimeException e) {
            LOG.error("the managed nginx is not running and could not be started: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Renews the served certificates that are due, and reloads nginx; a failure is logged and tried again at the next check. */
    private void renewCertificates() {
        try {
            for (String line : sortie.certificates().renewDue()) {
                LOG.info("{}", line);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not check the certificates for renewal: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The managed nginx's logs by size (app logs rotate as the supervisor writes them); a failure waits for the next check. */
    private void rotateNginxLogs() {
        try {
            if (!(sortie.nginx() instanceof ManagedNginx managed)) {
                return; // the system nginx's logs are the system's to rotate
            }
            var logs = sortie.server().logs();
            for (var rotated : new NginxLogRotation(managed, logs.maxSize(), logs.keep()).rotateIfDue()) {
                LOG.info("rotated {}", rotated);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not rotate the nginx logs: {}", e.getMessage());
        }
    }

    public void awaitShutdown() throws InterruptedException {
        server.awaitShutdown();
    }

    /** The app a Unix user is the app user of, when apps have users. */
    private Optional<String> appOf(String user) {
        try (var apps = Files.list(sortie.home().appsDir())) {
            return apps.map(a -> a.getFileName().toString()).filter(AppName::isValid).filter(a -> RunAs.userFor(a).equals(user)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What an app's own worker may ask beyond its instances: the nginx switch of its own release, to its own instances. */
    private Optional<JsonNode> handleForApp(String app, String op, JsonNode args) throws IOException, InterruptedException {
        if (!"switch_site".equals(op)) {
            return Optional.empty();
        }
        RemoteSites.SwitchRequest r = JSON.treeToValue(args, RemoteSites.SwitchRequest.class);
        if (!app.equals(r.app()) || !ReleaseId.isValid(r.release()) || !Files.isDirectory(sortie.home().releasesDir(app).resolve(r.release()))) {
            throw new IOException(app + "'s worker may switch only " + app + "'s site to one of its releases");
        }
        Set<Integer> own = server.backend().list().stream().filter(i -> i.app().equals(app)).map(InstanceInfo::port)
                .collect(Collectors.toSet());
        if (r.ports().isEmpty() || !own.containsAll(r.ports())) {
            throw new IOException("ports " + r.ports() + " are not all " + app + "'s instances");
        }
        AppConfig config = new AppConfig(null, null, null, null, null, null, r.domains(), null, null, null, null, r.nginx(), r.tls(),
                r.httpsRedirect());
        SiteSwitch sites = sortie.sites();
        try {
            SiteOptions options = SiteOptions.of(r.nginx(), sortie.home().releasesDir(app).resolve(r.release()).resolve(ReleaseStore.APP_DIR));
            Optional<Certificates.Served> tls = Certificates.wanted(sortie.server(), config)
                    ? new Certificates(sortie.home(), sortie.server(), sites).forSite(app, config) : Optional.empty();
            sites.switchTo(app, r.release(), config.domainsFor(app), r.ports(), options, tls.map(Certificates.Served::tls), r.probePath(),
                    Duration.ofSeconds(15));
            LOG.info("switched the site of {} to {} for its worker", app, r.release());
            Map<String, Object> result = new HashMap<>();
            result.put("summary", tls.map(Certificates.Served::summary).orElse(null));
            return Optional.of(JSON.valueToTree(result));
        } catch (TlsFailure e) {
            throw new IOException(e.getMessage(), e);
        } catch (SiteSwitch.SwitchFailed e) {
            throw new IOException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Optional<JsonNode> handle(String op, JsonNode args) throws IOException, InterruptedException {
        return switch (op) {
            case "deploy" -> {
                DeployArgs a = JSON.treeToValue(args, DeployArgs.class);
                String id = queue.enqueue(new DeployQueue.Request(a.app(), a.commit(), a.branch(), "deploy", a.by(), null));
                LOG.info("queued deploy {} of {} ({} {})", id, a.app(), a.branch(), a.commit());
                yield Optional.of(JSON.valueToTree(Map.of("id", id)));
            }
            case "push" -> {
                PushArgs a = JSON.treeToValue(args, PushArgs.class);
                Deploys.PushDecision decision = new Deploys(sortie).decide(a.app(), a.ref(), a.commit(), a.gate());
                if (decision.skipped() != null) {
                    yield Optional.of(JSON.valueToTree(Map.of("skipped", decision.skipped())));
                }
                String id = queue.enqueue(new DeployQueue.Request(a.app(), decision.commit(), decision.branch(),
                        a.gate() == null ? "push" : DeployQueue.GATED, a.by(), a.gate()));
                LOG.info("queued push {} of {} ({} {})", id, a.app(), decision.branch(), decision.commit());
                yield Optional.of(JSON.valueToTree(Map.of("id", id)));
            }
            case "stored" -> {
                StoredArgs a = JSON.treeToValue(args, StoredArgs.class);
                if (!DeployQueue.ofStoredRelease(a.kind())) {
                    throw new IOException("not a deploy of a stored release: " + a.kind());
                }
                if (DeployQueue.FLEET.equals(a.kind())) { // a release the fleet's primary shipped here
                    dev.sortie.fleet.Shipment shipped = new dev.sortie.fleet.ShippedReleases(sortie.home()).read(a.app(), a.source());
                    String id = queue.enqueue(new DeployQueue.Request(a.app(), shipped.commit(), shipped.branch(), a.kind(), a.by(), null,
                            shipped.release()));
                    LOG.info("queued fleet deploy {} of {} (shipped release {})", id, a.app(), shipped.release());
                    yield Optional.of(JSON.valueToTree(Map.of("id", id)));
                }
                ReleaseRecord source = sortie.releases(a.app()).read(a.source())
                        .filter(ReleaseRecord::isLive)
                        .orElseThrow(() -> new IOException("release " + a.source() + " of " + a.app() + " never went live"));
                String id = queue.enqueue(new DeployQueue.Request(a.app(), source.commit(), source.branch(), a.kind(), a.by(), null,
                        source.id()));
                LOG.info("queued {} {} of {} (release {})", a.kind(), id, a.app(), source.id());
                yield Optional.of(JSON.valueToTree(Map.of("id", id)));
            }
            case "stop_app" -> {
                StopArgs a = JSON.treeToValue(args, StopArgs.class);
                yield Optional.of(JSON.valueToTree(Map.of("message", new AppPower(sortie, server.backend()).stop(a.app(), a.by()))));
            }
            case "app_user" -> { // a person's command (no privilege) asks: make the app's user, or destroy the app's files and user
                AppUsers.Request a = JSON.treeToValue(args, AppUsers.Request.class);
                if (!dev.sortie.config.AppName.isValid(a.app()) || !Files.isDirectory(sortie.home().appDir(a.app()))) {
                    throw new IOException("no app " + a.app());
                }
                new AppUsers(sortie.home(), sortie.server()).handle(a, app -> AppAdmin.deleteFiles(sortie.home(), app));
                LOG.info("app_user {} of {}", a.action(), a.app());
                yield Optional.of(JSON.nullNode());
            }
            case "remove_site" -> { // apps destroy by a person, with the system nginx's root-owned sites dir
                String app = args.path("app").asText();
                if (!dev.sortie.config.AppName.isValid(app)) {
                    throw new IOException("not an app name: " + app);
                }
                yield Optional.of(JSON.valueToTree(Map.of("removed", AppAdmin.removeSite(sortie, app))));
            }
            case "cancel" -> {
                CancelArgs a = JSON.treeToValue(args, CancelArgs.class);
                yield Optional.of(JSON.valueToTree(Map.of("message", queue.cancel(a.target(), a.by()))));
            }
            default -> Optional.empty();
        };
    }

    @Override
    public void close() throws IOException {
        rotation.shutdownNow();
        queue.close();
        workers.close();
        server.close();
    }
}
