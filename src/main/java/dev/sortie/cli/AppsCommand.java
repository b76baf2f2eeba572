package dev.sortie.cli;

import dev.sortie.access.SshKeyStore;
import dev.sortie.app.AppAdmin;
import dev.sortie.app.Deploys;
import dev.sortie.app.StoredDeploys;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.config.AppSettings;
import dev.sortie.config.SortieHome;
import dev.sortie.git.AppRepository;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie apps}: create, list and destroy apps. */
@Command(name = "apps", mixinStandardHelpOptions = true, description = "Create, list and destroy apps.",
        subcommands = {AppsCommand.Create.class, AppsCommand.ListApps.class, AppsCommand.Set.class, AppsCommand.Destroy.class})
final class AppsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an app: a bare git repo whose post-update hook deploys pushes. Prints the remote to push to.")
    static final class Create implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "App name: lower-case letters, digits and dashes (e.g. hello).")
        String name;

        @Option(names = "--repair", description = "The app exists: reinstall its git hook (e.g. after moving Sortie).")
        boolean repair;

        @Option(names = "--reject-failed-pushes", description = {"Deploy each push before git accepts it, and reject the push",
            "when its deploy fails: the branch always equals what is live (a pre-receive hook instead of post-update)."})
        boolean reject;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AppName.require(name);
            Sortie sortie = Homes.sortie();
            SortieHome home = sortie.home();
            Path repoDir = home.repo(name);
            boolean exists = Files.exists(repoDir);
            if (exists && !repair) {
                throw new UserError(ExitCodes.CONFIG, "app " + name + " already exists (reinstall its hook: sortie apps create "
                        + name + " --repair)");
            }
            if (!exists && repair) {
                throw new UserError(ExitCodes.UNAVAILABLE, "no app named " + name + " to repair");
            }
            new AppAdmin(sortie).create(name, new AppSettings(reject, null, null, null), Launcher.sortieCommand(), repair);
            var out = spec.commandLine().getOut();
            if (repair) {
                out.println("Reinstalled the " + AppAdmin.mode(AppSettings.load(home.appSettings(name))).hook() + " hook of " + name + ".");
                return ExitCodes.OK;
            }
            out.println("Created app " + name + " (" + home.appDir(name) + ")" + (reject
                    ? ": pushes are deployed before git accepts them, and a failed deploy rejects the push." : "."));
            out.println();
            out.println("Add it as a git remote in your project and push to deploy:");
            remotes(home, name, System.getProperty("user.name"), hostName(), !SshKeyStore.of(home).all().isEmpty())
                    .forEach(line -> out.println("  " + line));
            out.println("  git push production main                # or the branch: your sortie.yml names");
            return ExitCodes.OK;
        }

        /** The system install's user and home: its keys push to {@code sortie@HOST:APP}. */
        static final String SYSTEM_USER = "sortie";
        static final Path SYSTEM_HOME = Path.of("/var/lib/sortie");

        /**
         * The {@code git remote add} lines for a new app. The system install's remote is {@code sortie@HOST:APP} (through
         * the keys of {@code sortie ssh-keys}); the plain install shows the repo's path, locally and over the user's own
         * SSH login, and {@code USER@HOST:APP} once Sortie has keys.
         */
        static List<String> remotes(SortieHome home, String app, String user, String host, boolean keys) {
            Path repo = home.repo(app);
            if (home.root().equals(SYSTEM_HOME) || user.equals(SYSTEM_USER)) {
                return List.of(
                        "git remote add production " + SYSTEM_USER + "@" + host + ":" + app + "   # over SSH, with a key from sortie ssh-keys add",
                        "git remote add production " + repo + "   # on this machine, as " + SYSTEM_USER);
            }
            List<String> lines = new java.util.ArrayList<>(List.of(
                    "git remote add production " + repo + "                # on this machine",
                    "git remote add production " + user + "@" + host + ":" + repo + "   # over SSH"));
            if (keys) {
                lines.add("git remote add production " + user + "@" + host + ":" + app + "   # over SSH, with a key from sortie ssh-keys add");
            }
            return lines;
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "this-server";
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List apps with their live release and URL.")
    static final class ListApps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Sortie sortie = Homes.sortie();
            var out = spec.commandLine().getOut();
            List<String> apps = appNames(sortie.home());
            if (apps.isEmpty()) {
                out.println("No apps yet. Create one: sortie apps create NAME");
                return ExitCodes.OK;
            }
            out.printf("%-24s %-28s %s%n", "APP", "LIVE RELEASE", "URL");
            for (String app : apps) {
                Optional<String> live = sortie.releases(app).currentId();
                String url = live.isEmpty() ? "-" : Homes.liveConfig(sortie, app).map(c -> sortie.url(app, c)).orElse("-");
                boolean stopped = new StoredDeploys(sortie).stopped(app);
                out.printf("%-24s %-28s %s%n", app, live.orElse("(not deployed)"), stopped ? "(stopped: sortie start " + app + ")" : url);
            }
            return ExitCodes.OK;
        }
    }

    static List<String> appNames(SortieHome home) throws IOException {
        if (!Files.isDirectory(home.appsDir())) {
            return List.of();
        }
        try (var dirs = Files.list(home.appsDir())) {
            return dirs.map(p -> p.getFileName().toString()).filter(AppName::isValid).sorted().toList();
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Change an app's settings: KEY=VALUE.", "reject_failed_pushes=true|false: deploy a push before git accepts it,"
                + " and reject it when the deploy fails (default false: accept, then deploy)."})
    static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "1..*")
        List<String> settings;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Sortie sortie = Homes.sortie();
            Apps.require(new Deploys(sortie), AppName.require(name));
            AppAdmin admin = new AppAdmin(sortie);
            var out = spec.commandLine().getOut();
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                if (eq <= 0) {
                    throw new UserError(ExitCodes.USAGE, "expected KEY=VALUE, got " + setting + " (e.g. reject_failed_pushes=true)");
                }
                AppSettings now = admin.set(name, setting.substring(0, eq), setting.substring(eq + 1), Launcher.sortieCommand());
                out.println(name + ": reject_failed_pushes=" + now.rejects() + " (" + AppAdmin.mode(now).hook() + " hook installed: "
                        + (now.rejects() ? "a failed deploy rejects the push" : "pushes are accepted, then deployed") + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Stop an app, remove its nginx site and delete its repo, releases and logs.")
    static final class Destroy implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "Really destroy: nothing of the app is kept.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            Apps.require(new Deploys(sortie), AppName.require(name));
            if (!force) {
                throw new UserError(ExitCodes.USAGE, "this deletes " + sortie.home().appDir(name)
                        + " (repo, releases, logs) and stops the app; run again with --force to do it");
            }
            var out = spec.commandLine().getOut();
            new AppAdmin(sortie).destroy(name, out::println);
            out.println("Destroyed " + name + ".");
            return ExitCodes.OK;
        }
    }
}
