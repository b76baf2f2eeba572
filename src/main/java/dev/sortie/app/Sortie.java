package dev.sortie.app;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.Nginx;
import dev.sortie.nginx.SystemNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.SupervisorClient;
import dev.sortie.tls.Certificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One Sortie installation, wired in one place from its home and server config: the CLI, the
 * daemon, its deploy workers and the git hooks all get their parts here. The server config is
 * read when first needed, so a git hook that only queues a deploy never loads the YAML parser.
 */
public final class Sortie {

    private final SortieHome home;
    private final Supplier<ServerConfig> server;
    private final Path jdkHome;
    private final List<String> self;

    /** @param self how to run this same Sortie again (a java argv ending in the main class), for the daemon and its workers */
    public Sortie(SortieHome home, ServerConfig server, Path jdkHome, List<String> self) {
        this(home, () -> server, jdkHome, self);
    }

    private Sortie(SortieHome home, Supplier<ServerConfig> server, Path jdkHome, List<String> self) {
        this.home = home;
        this.server = server;
        this.jdkHome = jdkHome;
        this.self = List.copyOf(self);
    }

    /** This installation; its server config ({@code $SORTIE_HOME/sortie.yml}) is read on first use. */
    public static Sortie load(SortieHome home, Path jdkHome, List<String> self) {
        ServerConfig[] loaded = {null};
        return new Sortie(home, () -> {
            synchronized (loaded) {
                if (loaded[0] == null) {
                    loaded[0] = ConfigLoader.loadServer(home.serverConfig());
                }
                return loaded[0];
            }
        }, jdkHome, self);
    }

    public SortieHome home() {
        return home;
    }

    public ServerConfig server() {
        return server.get();
    }

    public Path jdkHome() {
        return jdkHome;
    }

    public List<String> self() {
        return self;
    }

    /** The nginx the sites go through: Sortie's own master under the home, or with {@code nginx.mode: system} the system's. */
    public Nginx nginx() {
        ServerConfig.Nginx config = server().nginx();
        return config.system() ? new SystemNginx(home.root(), config) : new ManagedNginx(home.root(), home.nginxDir(), config);
    }

    public SiteSwitch sites() {
        return new SiteSwitch(nginx());
    }

    /** HTTPS: the apps' certificates (ACME or the server's files) and their renewal. */
    public Certificates certificates() {
        return new Certificates(home, server(), sites());
    }

    /** Set in a deploy worker that runs as its app's user: the app socket it reaches the daemon on. */
    public static final String APP_SOCKET_VAR = "SORTIE_APP_SOCKET";

    /** The daemon, as its clients reach it (a worker running as its app's user: on the app socket). */
    public SupervisorClient daemon() {
        String appSocket = System.getenv(APP_SOCKET_VAR);
        return new SupervisorClient(appSocket != null && !appSocket.isBlank() ? Path.of(appSocket) : home.socket());
    }

    public ReleaseStore releases(String app) {
        return new ReleaseStore(home.releasesDir(app), home.current(app));
    }

    public AppRepository repo(String app) {
        return new AppRepository(home.repo(app));
    }

    /** The argv that runs {@code sortie ARGS...} with extra JVM options. */
    public List<String> command(List<String> jvmOptions, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(self.getFirst());
        argv.addAll(jvmOptions);
        argv.addAll(self.subList(1, self.size()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** The URL an app answers on through nginx: HTTPS when its site serves it. */
    public String url(String app, AppConfig config) {
        String domain = config.domainsFor(app).getFirst();
        if (domain.startsWith("*.")) {
            domain = "www" + domain.substring(1);
        }
        if (Certificates.wanted(server(), config)) {
            int https = server().nginx().httpsPort();
            return "https://" + domain + (https == 443 ? "" : ":" + https) + "/";
        }
        int port = server().nginx().port();
        return "http://" + domain + (port == 80 ? "" : ":" + port) + "/";
    }
}
