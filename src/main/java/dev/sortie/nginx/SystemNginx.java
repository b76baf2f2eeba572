package dev.sortie.nginx;

import dev.sortie.config.ServerConfig;
import dev.sortie.exec.Command;
import dev.sortie.exec.CommandFailedException;
import dev.sortie.exec.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system's nginx ({@code nginx: {mode: system, sites_dir: ...}}): Sortie writes only its own files into the sites
 * directory, {@code sortie-APP.conf} for each app and {@value #SHARED} for what its sites share, checks the whole config with
 * the system's {@code nginx -t}, and reloads the running master. It never starts or stops that master, writes no
 * {@code nginx.conf} and no catch-all server: those are the system's business.
 */
public final class SystemNginx implements Nginx {

    /** Every file Sortie writes into the sites directory begins with this. */
    public static final String PREFIX = "sortie";
    /** The http-level lines Sortie's sites need: written beside them, never into the system's config. */
    public static final String SHARED = PREFIX + ".conf";
    /** Where nginx is looked for when nothing says where its master's pid is. */
    static final Path DEFAULT_PID_FILE = Path.of("/run/nginx.pid");

    private static final Pattern PID_DIRECTIVE = Pattern.compile("(?m)^\\s*pid\\s+([^;\\s#]+)\\s*;");
    private static final Pattern PID_PATH = Pattern.compile("--pid-path=(\\S+)");

    static final String SHARED_TEXT = """
            # Written by Sortie (nginx mode system): what Sortie's sites (sortie-*.conf) share. Edits here are lost.
            # WebSocket upgrades pass through; other requests reuse upstream keep-alive connections.
            map $http_upgrade $sortie_connection_upgrade {
                default upgrade;
                ''      '';
            }
            """;

    private final Path home;
    private final ServerConfig.Nginx config;
    private final SystemNginxCommands commands;
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));
    private Path pidFile;

    public SystemNginx(Path home, ServerConfig.Nginx config) {
        if (config.sitesDir() == null) {
            throw new IllegalArgumentException("nginx mode system needs nginx.sites_dir");
        }
        this.home = home;
        this.config = config;
        this.commands = new SystemNginxCommands(config.binary(), Optional.ofNullable(config.config()).map(Path::of),
                Path.of(config.sitesDir()));
        this.pidFile = config.pidFile() == null ? null : Path.of(config.pidFile());
    }

    public SystemNginxCommands commands() {
        return commands;
    }

    /**
     * {@code $SORTIE_HOME/nginx/acme-challenges}: included by Sortie's own sites. A first deploy's challenge has no site of
     * the app yet to answer it, and the system nginx's default server is not Sortie's: include this dir's files there.
     */
    @Override
    public Path acmeChallengesDir() {
        return home.resolve("nginx").resolve("acme-challenges");
    }

    /** In Sortie's home, not in the system's nginx dirs, where Sortie writes nothing but its sites. */
    @Override
    public Path changesLock() {
        return home.resolve("nginx").resolve("changes.lock");
    }

    @Override
    public Path sitesDir() {
        return Path.of(config.sitesDir());
    }

    @Override
    public String siteFileName(String app) {
        return PREFIX + "-" + app + ".conf";
    }

    /** Only {@code sortie-APP.conf} is an app's: every other file there is the system's. */
    @Override
    public Optional<String> appOfSiteFile(String fileName) {
        String start = PREFIX + "-";
        if (!fileName.startsWith(start) || !fileName.endsWith(".conf") || fileName.length() <= start.length() + ".conf".length()) {
            return Optional.empty();
        }
        return Optional.of(fileName.substring(start.length(), fileName.length() - ".conf".length()));
    }

    @Override
    public Path templatesDir() {
        return home.resolve("templates");
    }

    @Override
    public String listenAddress() {
        return ManagedNginx.listenAddress(config);
    }

    @Override
    public int port() {
        return config.port();
    }

    @Override
    public int httpsPort() {
        return config.httpsPort();
    }

    /** Checks that the sites directory is there (it is the system's: Sortie does not create it) and writes {@value #SHARED}. */
    @Override
    public void prepare() throws IOException {
        if (!Files.isDirectory(sitesDir())) {
            throw new IOException("nginx.sites_dir " + sitesDir() + " is not a directory; with nginx mode system it is the "
                    + "directory the system nginx includes sites from (e.g. /etc/nginx/sites-enabled), and Sortie does not create it");
        }
        Path shared = sitesDir().resolve(SHARED);
        if (!Files.exists(shared) || !Files.readString(shared).equals(SHARED_TEXT)) {
            Path tmp = sitesDir().resolve("." + SHARED + ".tmp");
            Files.writeString(tmp, SHARED_TEXT);
            Files.move(tmp, shared, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Optional<String> test() {
        return ManagedNginx.test(runner, commands.test());
    }

    @Override
    public Optional<Long> masterPid() {
        return ManagedNginx.pidIn(pidFile());
    }

    /** {@code nginx.pid_file}, else the {@code pid} directive of {@code nginx -T}, else nginx's {@code --pid-path}. */
    public synchronized Path pidFile() {
        if (pidFile == null) {
            pidFile = fromOutput(commands.dump(), PID_DIRECTIVE)
                    .or(() -> fromOutput(commands.version(), PID_PATH))
                    .orElse(DEFAULT_PID_FILE);
        }
        return pidFile;
    }

    /** The first absolute path {@code pattern} finds in the output of {@code command}. */
    private Optional<Path> fromOutput(Command command, Pattern pattern) {
        List<String> lines = new ArrayList<>();
        try {
            runner.run(command, lines::add);
        } catch (CommandFailedException e) {
            return Optional.empty();
        }
        return find(String.join("\n", lines), pattern);
    }

    static Optional<Path> find(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.group(1).startsWith("/")) {
                return Optional.of(Path.of(m.group(1)));
            }
        }
        return Optional.empty();
    }

    static Optional<Path> pidDirective(String dump) {
        return find(dump, PID_DIRECTIVE);
    }

    static Optional<Path> pidPath(String version) {
        return find(version, PID_PATH);
    }

    /** Reloads the running master; a system nginx that does not run is not started (that is the system's service manager's job). */
    @Override
    public void startOrReload() throws CommandFailedException {
        if (!isRunning()) {
            throw new CommandFailedException(commands.signal("reload"), -1, "was not run: the system nginx is not running (no live "
                    + "pid in " + pidFile() + "); start it (systemctl start nginx), or set nginx.pid_file", List.of());
        }
        runner.run(commands.signal("reload"), line -> { });
    }

    @Override
    public String errorLog() {
        return "the system nginx's error log";
    }

    @Override
    public String describe() {
        return "the system nginx";
    }
}
