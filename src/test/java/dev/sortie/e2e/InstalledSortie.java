package dev.sortie.e2e;

import dev.sortie.testing.ListenPorts;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code sortie} that install.sh puts in place, run against its own temporary SORTIE_HOME
 * with its own nginx port, as a user would run it.
 */
final class InstalledSortie implements AutoCloseable {

    private static Path installed;

    final Path home;
    final Path work;
    final int nginxPort;
    private final Map<String, String> env = new HashMap<>();
    /** What goes before every command's argv: empty, or setpriv to run it as another user (see {@link #runAs}). */
    private List<String> prefix = List.of();
    private String user;

    InstalledSortie(Path tmp) throws IOException, InterruptedException {
        Requirements.git();
        Requirements.nginx();
        Requirements.curl();
        this.home = Files.createDirectories(tmp.resolve("home"));
        this.work = Files.createDirectories(tmp.resolve("work"));
        this.nginxPort = ListenPorts.free(); // not one the kernel may give an app instance first
        Files.writeString(home.resolve("sortie.yml"), "nginx:\n  port: " + nginxPort + "\ndrain: 1s\nstop_timeout: 5s\n");
        env.put("SORTIE_HOME", home.toString());
        env.put("PATH", bin().getParent() + ":" + System.getenv("PATH"));
        env.put("GIT_AUTHOR_NAME", "Sortie Test");
        env.put("GIT_AUTHOR_EMAIL", "test@sortie.invalid");
        env.put("GIT_COMMITTER_NAME", "Sortie Test");
        env.put("GIT_COMMITTER_EMAIL", "test@sortie.invalid");
    }

    /** Installs target/sortie.jar once per test JVM with the real install.sh. */
    static synchronized Path bin() throws IOException, InterruptedException {
        if (installed == null) {
            Path project = Path.of("").toAbsolutePath();
            Path prefix = Files.createTempDirectory("sortie-install");
            Proc.run(project, Map.of(), 300, List.of("bash", project.resolve("install.sh").toString(), "--no-build", "--prefix",
                    prefix.toString())).assertOk();
            installed = prefix.resolve("bin").resolve("sortie");
        }
        return installed;
    }

    /**
     * From now on every command runs as {@code user} with its groups and no capabilities, as a person runs them with
     * {@code sudo -u sortie} or over SSH; the home and the work dir become the user's, as /var/lib/sortie is sortie's.
     */
    void runAs(String user) throws IOException, InterruptedException {
        Proc.run(work, Map.of(), 60, List.of("chown", "-R", user + ":" + user, home.toString(), work.toString())).assertOk();
        this.user = user;
        this.prefix = List.of("setpriv", "--reuid", user, "--regid", user, "--init-groups", "--");
        env.put("HOME", work.toString());
    }

    /** Starts the daemon as the {@link #runAs} user with these capabilities in its ambient set, as sortie.service does. */
    Proc.Result startDaemon(List<String> capabilities) throws IOException, InterruptedException {
        String caps = String.join(",", capabilities.stream().map(c -> "+" + c).toList());
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", user, "--regid", user, "--init-groups",
                "--inh-caps", caps, "--ambient-caps", caps, "--", bin().toString(), "server", "start"));
        return Proc.run(work, env, 300, argv);
    }

    /**
     * Runs the daemon as sortie.service does after a boot or {@code systemctl start sortie}, with no {@code sortie} command
     * around it: the unit's own ExecStart (templates/sortie.service, with this install's jar and the test's JDK) in the
     * foreground, as the {@link #runAs} user with {@code capabilities} ambient, the unit's environment plus the
     * INVOCATION_ID systemd gives a service, and its output appended to run/server.log. Returns once it answers.
     */
    Process runDaemonAsTheUnit(List<String> capabilities) throws IOException, InterruptedException {
        String unit = Files.readString(Path.of("templates/sortie.service").toAbsolutePath());
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path jar = bin().getParent().getParent().resolve("lib/sortie/sortie.jar");
        List<String> command = new ArrayList<>();
        for (String word : exec.split(" +")) {
            switch (word) {
                case "{{java}}" -> command.add(java);
                case "{{jar}}" -> command.add(jar.toString());
                case "{{cds}}" -> { } // the class-data archive is the installer's: a start without it is slower, not different
                default -> command.add(word);
            }
        }
        String caps = String.join(",", capabilities.stream().map(c -> "+" + c).toList());
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid", user, "--regid", user, "--init-groups",
                "--inh-caps", caps, "--ambient-caps", caps, "--", "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                "SORTIE_HOME=" + home, "HOME=" + home, "INVOCATION_ID=" + UUID.randomUUID().toString().replace("-", "")));
        argv.addAll(command);
        Files.createDirectories(home.resolve("run"));
        Process daemon = new ProcessBuilder(argv).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("run/server.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (sortie("server", "status").exit() != 0) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                daemon.destroyForcibly();
                throw new IOException("the unit's daemon did not answer (exit " + (daemon.isAlive() ? "none" : daemon.exitValue())
                        + "); server.log:\n" + Files.readString(home.resolve("run/server.log")));
            }
            Thread.sleep(200);
        }
        return daemon;
    }

    Proc.Result sortie(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(bin().toString());
        argv.addAll(List.of(args));
        return Proc.run(work, env, 300, argv);
    }

    Proc.Result git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(prefix);
        argv.add("git");
        argv.addAll(List.of(args));
        return Proc.run(dir, env, 300, argv);
    }

    /** A fresh git repo holding a copy of {@code source} (plus {@code extraFiles} at its root), committed on main, with {@code production} pointing at the app. */
    Path project(Path source, String name, String app, Path... extraFiles) throws IOException, InterruptedException {
        Path dir = work.resolve(name);
        dev.sortie.steps.DirTree.copy(source, dir);
        for (Path extra : extraFiles) {
            Files.copy(extra, dir.resolve(extra.getFileName().toString()));
        }
        if (user != null) {
            Proc.run(work, Map.of(), 60, List.of("chown", "-R", user + ":" + user, dir.toString())).assertOk();
        }
        git(dir, "init", "-q", "-b", "main").assertOk();
        git(dir, "add", "-A").assertOk();
        git(dir, "commit", "-q", "-m", "first").assertOk();
        git(dir, "remote", "add", "production", home.resolve("apps").resolve(app).resolve("repo.git").toString()).assertOk();
        return dir;
    }

    Proc.Result commitAndPush(Path project, String message, String... pushArgs) throws IOException, InterruptedException {
        git(project, "add", "-A").assertOk();
        git(project, "commit", "-q", "-m", message).assertOk();
        List<String> args = new ArrayList<>(List.of("push", "production"));
        args.addAll(pushArgs.length == 0 ? List.of("main") : List.of(pushArgs));
        return git(project, args.toArray(String[]::new));
    }

    /** GET through the managed nginx with curl, as a user would: status and body. */
    Proc.Result curl(String url) throws IOException, InterruptedException {
        return Proc.run(work, env, 30, List.of("curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", url));
    }

    String url(String app) throws IOException, InterruptedException {
        return sortie("url", app).assertOk().output().strip();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        sortie("server", "stop");
    }
}
