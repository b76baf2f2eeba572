package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.deploy.Journal;
import dev.sortie.release.ReleaseId;
import dev.sortie.release.ReleaseRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie logs NAME}: the output of an app's live release (or another one), or what a deploy printed. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Show an app's output (the live release's, or --release's), or with --deploy what a deploy printed.")
final class LogsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--follow"}, description = {"Keep printing new lines as they come (Ctrl-C to stop).",
        "With --deploy: until the deploy ends (reattach to a running deploy)."})
    boolean follow;

    @Option(names = {"-n", "--lines"}, defaultValue = "100", description = "How many of the last lines of app output to show (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--release", paramLabel = "ID", description = "Show this release's output instead of the live one's.")
    String release;

    @Option(names = "--deploy", arity = "0..1", paramLabel = "ID", fallbackValue = "",
            description = "Show what a deploy printed (the newest, or deploy ID), as the push showed it.")
    String deploy;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Sortie sortie = Homes.sortie();
        Deploys deploys = new Deploys(sortie);
        Apps.require(deploys, AppName.require(name));
        if (deploy != null) {
            return deployLog(sortie, deploys);
        }
        var store = sortie.releases(name);
        String id = release != null ? release
                : store.currentId().or(() -> store.list().stream().findFirst().map(ReleaseRecord::id))
                        .orElseThrow(() -> new UserError(ExitCodes.UNAVAILABLE, name + " has not been deployed yet: no logs"));
        Path file = sortie.home().logsDir(name).resolve(id + ".log");
        if (!ReleaseId.isValid(id) || !Files.exists(file)) {
            throw new UserError(ExitCodes.UNAVAILABLE, "no output for release " + id + " of " + name + " (" + file + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String line : tail(file, lines)) {
            out.println(line);
        }
        out.flush();
        if (follow) {
            follow(file, out);
        }
        return ExitCodes.OK;
    }

    private int deployLog(Sortie sortie, Deploys deploys) throws IOException, InterruptedException {
        String id = deploy.isEmpty()
                ? deploys.latest(name).orElseThrow(() -> new UserError(ExitCodes.UNAVAILABLE, name + " has no deploys yet"))
                : deploy;
        if (!ReleaseId.isValid(id) || !Files.exists(sortie.home().journal(name, id))) {
            throw new UserError(ExitCodes.UNAVAILABLE, "no deploy " + id + " of " + name + " (see: sortie deploys " + name + ")");
        }
        if (follow) {
            return new DeployRunner(deploys, GitHookCommand.liveOut()).follow(name, id);
        }
        PushOutput render = new PushOutput(GitHookCommand.liveOut());
        for (Journal.Line line : Journal.read(sortie.home().journal(name, id))) {
            render.accept(line.event());
        }
        return ExitCodes.OK;
    }

    static List<String> tail(Path file, int n) throws IOException {
        Deque<String> last = new ArrayDeque<>();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (last.size() == n) {
                    last.removeFirst();
                }
                if (n > 0) {
                    last.addLast(line);
                }
            }
        }
        return List.copyOf(last);
    }

    private static void follow(Path file, PrintWriter out) throws IOException, InterruptedException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long pos = raf.length();
            byte[] buf = new byte[8192];
            while (true) {
                long len = raf.length();
                if (len < pos) {
                    pos = 0; // truncated
                }
                if (len > pos) {
                    raf.seek(pos);
                    int read = raf.read(buf, 0, (int) Math.min(buf.length, len - pos));
                    pos += read;
                    out.print(new String(buf, 0, read, StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                Thread.sleep(200);
            }
        }
    }
}
