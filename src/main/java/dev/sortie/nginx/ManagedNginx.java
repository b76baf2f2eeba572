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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sortie's own nginx master, under {@code $SORTIE_HOME/nginx} on an unprivileged port: no root,
 * no system config touched. Its {@code nginx.conf} is rendered from {@code templates/nginx.conf}, the server's own in
 * {@link #templatesDir()} when there is one.
 */
public final class ManagedNginx implements Nginx {

    private final Path home;
    private final ServerConfig.Nginx config;
    private final NginxCommands commands;
    private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(30));

    public ManagedNginx(Path home, Path prefix, ServerConfig.Nginx config) {
        this.home = home;
        this.config = config;
        this.commands = new NginxCommands(config.binary(), prefix);
    }

    public NginxCommands commands() {
        return commands;
    }

    public Path prefix() {
        return commands.prefix();
    }

    @Override
    public Path changesLock() {
        return prefix().resolve("changes.lock");
    }

    @Override
    public Path sitesDir() {
        return prefix().resolve("sites");
    }

    @Override
    public String siteFileName(String app) {
        return app + ".conf";
    }

    @Override
    public Optional<String> appOfSiteFile(String fileName) {
        return fileName.endsWith(".conf") && !fileName.startsWith(".")
                ? Optional.of(fileName.substring(0, fileName.length() - ".conf".length())) : Optional.empty();
    }

    @Override
    public String listenAddress() {
        return listenAddress(config);
    }

    static String listenAddress(ServerConfig.Nginx config) {
        return config.listen().contains(":") ? "[" + config.listen() + "]" : config.listen();
    }

    @Override
    public int port() {
        return config.port();
    }

    /** The HTTPS port of the sites that have TLS. */
    @Override
    public int httpsPort() {
        return config.httpsPort();
    }

    @Override
    public String errorLog() {
        return commands.errorLog().toString();
    }

    @Override
    public String describe() {
        return "the managed nginx";
    }

    /** {@code nginx/acme-challenges}: the ACME HTTP-01 answers in progress, one {@code .conf} an app, included by every server. */
    @Override
    public Path acmeChallengesDir() {
        return prefix().resolve("acme-challenges");
    }

    /** {@code $SORTIE_HOME/templates}: a template there is used instead of the bundled one of the same name. */
    @Override
    public Path templatesDir() {
        return home.resolve("templates");
    }

    /** Writes nginx.conf and the directories nginx needs; safe to repeat. */
    @Override
    public void prepare() throws IOException {
        for (String dir : List.of("sites", "logs", "temp")) {
            Files.createDirectories(prefix().resolve(dir));
        }
        Template template = Template.forServer(templatesDir(), "nginx.conf");
        String conf = template.render(Map.of(
                "home", home.toString(),
                "prefix", prefix().toString(),
                "listen", listenAddress(),
                "port", Integer.toString(config.port()),
                "acme_challenges", acmeChallengesDir().toString(),
                "template", template.origin(),
                "override", templatesDir().resolve("nginx.conf").toString()), Set.of("template"));
        if (!conf.contains("include " + sitesDir() + "/*.conf;")) {
            throw new IllegalArgumentException("template " + template.origin() + " must keep include {{prefix}}/sites/*.conf; "
                    + "(the apps' sites are there)");
        }
        Path tmp = prefix().resolve(".nginx.conf.tmp");
        Files.writeString(tmp, conf);
        Files.move(tmp, commands.config(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@link #prepare()}, then the sites directory. */
    public Path prepareAndSites() throws IOException {
        prepare();
        return sitesDir();
    }

    @Override
    public Optional<String> test() {
        return test(runner, commands.test());
    }

    /** Runs an {@code nginx -t} command; nginx's complaint, or empty when the config is valid. */
    static Optional<String> test(CommandRunner runner, Command test) {
        List<String> lines = new ArrayList<>();
        try {
            runner.run(test, lines::add);
            return Optional.empty();
        } catch (CommandFailedException e) {
            lines.addAll(e.tail().stream().filter(l -> !lines.contains(l)).toList());
            return Optional.of(lines.isEmpty() ? e.getMessage() : String.join("\n", lines));
        }
    }

    @Override
    public Optional<Long> masterPid() {
        return pidIn(commands.pidFile());
    }

    /** The live process whose pid a pid file holds. */
    static Optional<Long> pidIn(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the master if it is not running, else reloads it with the current config. */
    @Override
    public void startOrReload() throws CommandFailedException {
        if (isRunning()) {
            runner.run(commands.signal("reload"), line -> { });
        } else {
            runner.run(commands.start(), line -> { });
        }
    }

    /** Tells the master to reopen its log files ({@code nginx -s reopen}): after a log was renamed, nginx writes a new one. */
    public void reopen() throws CommandFailedException {
        runner.run(commands.signal("reopen"), line -> { });
    }

    /** Graceful stop: workers finish their requests. Waits for the master to exit. */
    public void stop(Duration timeout) throws CommandFailedException, InterruptedException {
        Optional<Long> pid = masterPid();
        if (pid.isEmpty()) {
            return;
        }
        runner.run(commands.signal("quit"), line -> { });
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
                return;
            }
            Thread.sleep(50);
        }
    }
}
