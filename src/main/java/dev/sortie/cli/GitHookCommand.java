package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.config.AppName;
import dev.sortie.git.AppRepository;
import dev.sortie.pipeline.DeployEvent;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Called by an app repo's git hook: by post-update with the updated refs (deploy the deploy
 * branch after git accepted the push), or with {@code --pre-receive} by pre-receive with "old new
 * ref" lines on standard input (deploy first; a failed deploy makes git reject the push).
 */
@Command(name = "git-hook", hidden = true, description = "Run by the app repo's post-update or pre-receive hook.")
final class GitHookCommand implements Callable<Integer> {

    private static final String NO_COMMIT = "0000000000000000000000000000000000000000";

    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1..*", paramLabel = "REF")
    List<String> refs = List.of();

    @Option(names = "--pre-receive", description = "Read old/new/ref lines on stdin; exit non-zero to reject the push.")
    boolean preReceive;

    @Override
    public Integer call() throws Exception {
        Deploys deploys = new Deploys(Homes.sortie());
        AppRepository repo = Apps.require(deploys, AppName.require(app));
        PrintStream out = liveOut();
        if (preReceive) {
            return gate(deploys, out);
        }
        int exit = ExitCodes.OK;
        for (String ref : refs) {
            if (!ref.startsWith("refs/heads/")) {
                out.println("-----> " + app + ": pushed " + ref + "; only branches deploy, so nothing was deployed.");
                continue;
            }
            String branch = ref.substring("refs/heads/".length());
            var commit = repo.resolve(ref);
            if (commit.isEmpty()) {
                out.println("-----> " + app + ": " + branch + " was deleted; nothing to deploy.");
                continue;
            }
            String deployBranch = deploys.deployBranch(app, commit.get());
            if (!branch.equals(deployBranch)) {
                out.println("-----> " + app + ": pushed " + branch + "; only " + deployBranch + " deploys, so nothing was deployed.");
                continue;
            }
            String id = deploys.enqueue(app, commit.get(), branch, "push", Apps.user());
            int code = new DeployRunner(deploys, out).follow(app, id);
            if (code != ExitCodes.OK) {
                out.println("=====> The push was accepted, but its deploy failed: the branch is ahead of what is live."
                        + " See: sortie releases " + app);
            }
            exit = Math.max(exit, code);
        }
        return exit;
    }

    /** pre-receive: deploy the deploy branch's new commit from git's quarantine; non-zero rejects the whole push. */
    private int gate(Deploys deploys, PrintStream out) throws Exception {
        String quarantine = System.getenv("GIT_QUARANTINE_PATH");
        List<Path> objects = quarantine == null || quarantine.isBlank() ? List.of() : List.of(Path.of(quarantine));
        long pusher = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 3) {
                continue;
            }
            String old = parts[0];
            String commit = parts[1];
            String ref = parts[2];
            if (!ref.startsWith("refs/heads/")) {
                out.println("-----> " + app + ": pushed " + ref + "; only branches deploy, so nothing was deployed.");
                continue;
            }
            String branch = ref.substring("refs/heads/".length());
            String deployBranch = deploys.deployBranch(app, commit.equals(NO_COMMIT) ? old : commit, objects);
            if (!branch.equals(deployBranch)) {
                out.println("-----> " + app + ": pushed " + branch + "; only " + deployBranch + " deploys, so nothing was deployed.");
                continue;
            }
            if (commit.equals(NO_COMMIT)) {
                out.println("=====> " + app + ": refusing to delete " + branch + ", the deploy branch: it names what is live.");
                return ExitCodes.FAILED;
            }
            String id = deploys.enqueue(app, commit, branch, "gated", Apps.user(),
                    new DeployEvent.Gate(quarantine, old, pusher));
            int code = new DeployRunner(deploys, out).follow(app, id);
            if (code != ExitCodes.OK || !(deploys.state(app, id).map(s -> s.terminal()).orElse(null) instanceof DeployEvent.Live)) {
                out.println("=====> Push rejected: its deploy did not go live, so " + branch + " stays where it was.");
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }

    /** Standard output flushed at every line, so the pusher sees progress as it happens. */
    static PrintStream liveOut() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }
}
