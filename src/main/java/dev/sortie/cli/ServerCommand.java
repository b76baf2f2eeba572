package dev.sortie.cli;

import dev.sortie.app.Daemon;
import dev.sortie.app.DaemonProcess;
import dev.sortie.app.Sortie;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.Nginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.nginx.Template;
import dev.sortie.service.SupervisorClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie server}: the daemon that supervises app instances and runs deploys. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Control the sortie server: the daemon that runs deploys and supervises app instances. The first deploy starts it.",
        subcommands = {ServerCommand.Start.class, ServerCommand.Stop.class, ServerCommand.Status.class, ServerCommand.RunServer.class,
            ServerCommand.Templates.class})
final class ServerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the server in the background if it is not running.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            boolean was = sortie.daemon().isRunning();
            SupervisorClient client = DaemonProcess.ensureRunning(sortie);
            long pid = client.ping();
            var out = spec.commandLine().getOut();
            out.println((was ? "The sortie server was already running" : "Started the sortie server")
                    + " (pid " + pid + ", socket " + sortie.home().socket() + ", log " + sortie.home().serverLog() + ").");
            int instances = client.list().size();
            if (instances > 0) {
                out.println("It runs " + instances + " app instance(s): sortie ps");
            }
            if (!(sortie.nginx() instanceof ManagedNginx nginx)) {
                if (!sortie.nginx().isRunning()) {
                    out.println("Note: the system nginx is not running; Sortie does not start it (systemctl start nginx).");
                }
                return ExitCodes.OK;
            }
            boolean sites;
            try (var files = Files.list(nginx.prepareAndSites())) {
                sites = files.anyMatch(f -> f.getFileName().toString().endsWith(".conf"));
            }
            if (sites && !nginx.isRunning()) {
                // the daemon just started may start it too (its sites must serve after a reboot): one of them does
                try {
                    if (sortie.sites().ensureRunning(Duration.ofSeconds(15))) {
                        out.println("Started the managed nginx on " + nginx.listenAddress() + ":" + nginx.port() + ".");
                    }
                } catch (SiteSwitch.SwitchFailed e) {
                    throw new UserError(ExitCodes.FAILED, "the managed nginx did not start: " + e.getMessage());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every app instance (gracefully), the managed nginx, then the server.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            var out = spec.commandLine().getOut();
            SupervisorClient client = sortie.daemon();
            if (client.isRunning()) {
                int n = client.list().size();
                Files.writeString(sortie.home().serverStopped(), "stopped by sortie server stop\n");
                client.shutdown();
                out.println("Stopped the sortie server and " + n + " app instance(s).");
            } else {
                out.println("The sortie server was not running.");
            }
            // the system nginx serves more than Sortie's sites: it keeps running
            if (sortie.nginx() instanceof ManagedNginx nginx && nginx.isRunning()) {
                nginx.stop(Duration.ofSeconds(15));
                out.println("Stopped the managed nginx.");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether the server and nginx run, and what.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            var out = spec.commandLine().getOut();
            SupervisorClient client = sortie.daemon();
            boolean running = client.isRunning();
            out.println("home:   " + sortie.home().root());
            if (running) {
                out.println("server: running, pid " + client.ping() + ", " + client.list().size() + " app instance(s) (sortie ps)");
            } else {
                out.println("server: not running" + DaemonProcess.stoppedBecause(sortie.home()).map(why -> ", " + why).orElse("")
                        + " (start it: " + DaemonProcess.startHint(sortie) + ")");
            }
            Nginx nginx = sortie.nginx();
            out.println("nginx:  " + nginx.masterPid().map(pid -> "running, pid " + pid + ", listening on "
                    + nginx.listenAddress() + ":" + nginx.port()).orElse("not running ("
                    + (nginx instanceof ManagedNginx ? "the next deploy starts it" : "the system nginx: systemctl start nginx") + ")")
                    + (nginx instanceof ManagedNginx ? "" : ", sites in " + nginx.sitesDir()));
            return running ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
        }
    }

    @Command(name = "templates", mixinStandardHelpOptions = true,
            description = {"Copy the bundled nginx templates into $SORTIE_HOME/templates/, where Sortie uses them instead of its own.",
                "Edit them there; the next deploy (or sortie server start) writes nginx's files from them.",
                "A template already there is kept: the bundled one goes beside it as NAME.bundled, to compare."})
    static final class Templates implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path dir = Homes.sortie().nginx().templatesDir();
            var out = spec.commandLine().getOut();
            for (Path written : Template.exportBundled(dir)) {
                out.println((written.getFileName().toString().endsWith(".bundled") ? "kept yours, wrote the bundled one beside it: "
                        : "wrote ") + written);
            }
            out.println("Sortie uses " + dir.resolve("nginx-site.conf") + " and " + dir.resolve("nginx.conf")
                    + " from now on; delete one to go back to the bundled template.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the server in the foreground (what 'start' runs detached; for process managers).")
    static final class RunServer implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            // the daemon's own log (run/server.log): what it started, stopped, queued and reconciled, with times
            System.setProperty("org.slf4j.simpleLogger.log.dev.sortie", "info");
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
            System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
            Sortie sortie = Homes.sortie();
            try (Daemon daemon = new Daemon(sortie, PushLines.INSTANCE)) {
                daemon.start();
                Files.deleteIfExists(sortie.home().serverStopped()); // up again: systemd's start, after a stop or a reboot
                LoggerFactory.getLogger(RunServer.class).info("sortie server {} listening on {} (pid {})", VersionProvider.version(),
                        sortie.home().socket(), ProcessHandle.current().pid());
                Thread stoppedBySystemd = new Thread(() -> recordSystemdStop(sortie), "systemd stop");
                if (System.getenv("INVOCATION_ID") != null) {
                    // run by systemd (it sets INVOCATION_ID): its SIGTERM is systemctl stop sortie (KillMode=process leaves
                    // the apps and nginx serving); the CLI then says so, and does not start a daemon beside the unit's
                    Runtime.getRuntime().addShutdownHook(stoppedBySystemd);
                }
                daemon.awaitShutdown();
                if (System.getenv("INVOCATION_ID") != null) {
                    Runtime.getRuntime().removeShutdownHook(stoppedBySystemd); // sortie server stop wrote its own reason
                }
            }
            return ExitCodes.OK;
        }

        private static void recordSystemdStop(Sortie sortie) {
            try {
                if (!Files.exists(sortie.home().serverStopped())) {
                    Files.writeString(sortie.home().serverStopped(), DaemonProcess.STOPPED_BY_SYSTEMD + "\n");
                }
                LoggerFactory.getLogger(RunServer.class).info("{}: the app instances and the managed nginx keep running,"
                        + " unsupervised, until it starts again", DaemonProcess.STOPPED_BY_SYSTEMD);
            } catch (IOException | RuntimeException e) {
                LoggerFactory.getLogger(RunServer.class).warn("could not record the stop in {}: {}", sortie.home().serverStopped(), e.getMessage());
            }
        }
    }
}
