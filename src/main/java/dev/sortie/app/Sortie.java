package dev.sortie.app;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.SupervisorClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Sortie installation, wired in one place from its home and server config: the CLI, the
 * daemon, its deploy workers and the git hooks all get their parts here.
 *
 * @param self how to run this same Sortie again (a java argv ending in the main class), for the daemon and its workers
 */
public record Sortie(SortieHome home, ServerConfig server, Path jdkHome, List<String> self) {

    public Sortie {
        self = List.copyOf(self);
    }

    /** Reads the server config of {@code home}. */
    public static Sortie load(SortieHome home, Path jdkHome, List<String> self) {
        return new Sortie(home, ConfigLoader.loadServer(home.serverConfig()), jdkHome, self);
    }

    public ManagedNginx nginx() {
        return new ManagedNginx(home.root(), home.nginxDir(), server.nginx());
    }

    public SiteSwitch sites() {
        return new SiteSwitch(nginx());
    }

    /** The daemon, as its clients reach it. */
    public SupervisorClient daemon() {
        return new SupervisorClient(home.socket());
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

    /** The URL an app answers on through nginx. */
    public String url(String app, AppConfig config) {
        String domain = config.domainsFor(app).getFirst();
        if (domain.startsWith("*.")) {
            domain = "www" + domain.substring(1);
        }
        int port = server.nginx().port();
        return "http://" + domain + (port == 80 ? "" : ":" + port) + "/";
    }
}
