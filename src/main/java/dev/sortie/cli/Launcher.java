package dev.sortie.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jgit.util.FS;
import picocli.CommandLine;

/**
 * How to run this same Sortie again (from git hooks, to start the daemon and its workers), and the
 * entry point those runs use: the commands a machine runs on every push ({@code git-hook},
 * {@code deploy-worker}, {@code ssh-shell}) are called straight away, without building picocli's model of the whole
 * command tree (a third of a git hook's CPU time); everything else goes to {@link Main}.
 */
public final class Launcher {

    private Launcher() {
    }

    /** Set by the installed launcher: where git keeps its system config, found once by install.sh (empty: none). */
    static final String GIT_SYSTEM_CONFIG = "sortie.gitSystemConfig";

    public static void main(String[] args) {
        knownGitSystemConfig();
        System.exit(run(args));
    }

    /**
     * JGit finds git's system config by running {@code git --version} and {@code git config --system
     * --show-origin --list -z} the first time it opens a repository: two processes, 50-100 ms of a
     * git hook. install.sh runs the second once and the launcher passes its answer on, which JGit
     * then uses as if it had found it itself.
     */
    private static void knownGitSystemConfig() {
        String path = System.getProperty(GIT_SYSTEM_CONFIG);
        if (path != null) {
            FS.DETECTED.setGitSystemConfig(path.isEmpty() ? null : new File(path));
        }
    }

    /** Runs one invocation; the exit code is what {@link Main#run} would return for the same arguments. */
    static int run(String... args) {
        if (args.length >= 3 && args[0].equals("git-hook") && noOptions(args)) {
            GitHookCommand hook = new GitHookCommand();
            hook.app = args[1];
            hook.refs = List.copyOf(Arrays.asList(args).subList(2, args.length));
            return call(hook);
        }
        if (args.length == 2 && args[0].equals("ssh-shell") && noOptions(args)) {
            return call(new SshShellCommand(args[1]));
        }
        if ((args.length == 2 || args.length == 3) && args[0].equals("rollback") && noOptions(args)) {
            RollbackCommand rollback = new RollbackCommand(); // a rollback's clock is the user's: no model of the whole tree
            rollback.name = args[1];
            rollback.release = args.length == 3 ? args[2] : null;
            return call(rollback);
        }
        if (args.length == 1 && args[0].equals("deploy-worker")) {
            return call(new WorkerCommand());
        }
        return Main.run(args);
    }

    /** An argument that looks like an option (or help) takes the full parser, so it is answered as picocli would. */
    private static boolean noOptions(String[] args) {
        return Arrays.stream(args).noneMatch(a -> a.startsWith("-") || a.startsWith("@"));
    }

    /** Calls a command as picocli's execute does: its result is the exit code, an exception goes to {@link ErrorHandler}. */
    private static int call(Callable<Integer> command) {
        try {
            Integer code = command.call();
            return code == null ? ExitCodes.OK : code;
        } catch (Exception e) {
            CommandLine cli = new CommandLine(command);
            return new ErrorHandler().handleExecutionException(e, cli, null);
        }
    }

    /** The installed {@code sortie} script when we were started through it, else java with our classpath. */
    static List<String> sortieCommand() {
        String launcher = System.getenv("SORTIE_LAUNCHER");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(Path.of(launcher).toAbsolutePath().toString());
        }
        return javaCommand(List.of());
    }

    /** {@code java [jvmOptions] -cp <our classpath> dev.sortie.cli.Launcher}. */
    static List<String> javaCommand(List<String> jvmOptions) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0]).toAbsolutePath()
                + classPathRest());
        argv.add(Launcher.class.getName());
        return argv;
    }

    private static String classPathRest() {
        String[] parts = System.getProperty("java.class.path").split(File.pathSeparator);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            sb.append(File.pathSeparator).append(Path.of(parts[i]).toAbsolutePath());
        }
        return sb.toString();
    }

    static Path jdkHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
