package dev.sortie.cli;

import dev.sortie.app.DaemonProcess;
import dev.sortie.app.Deploys;
import dev.sortie.config.AppName;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.release.ReleaseId;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    @Option(names = "--follow", paramLabel = "DEPLOY", description = "First follow this deploy (queued by hooks/sortie-push).")
    String follow;

    @Option(names = "--pre-receive", description = "Read old/new/ref lines on stdin; exit non-zero to reject the push.")
    boolean preReceive;

    @Override
    public Integer call() throws Exception {
        Deploys deploys = new Deploys(Homes.sortie());
        Apps.require(deploys, AppName.require(app));
        PrintStream out = liveOut();
        if (preReceive) {
            return gate(deploys, out);
        }
        int exit = ExitCodes.OK;
        if (follow != null) {
            if (!ReleaseId.isValid(follow)) {
                throw new UserError(ExitCodes.USAGE, "not a deploy id: " + follow);
            }
            // hooks/sortie-push lost the daemon while it followed this deploy: follow it here (which starts the daemon
            // again, and that ends the deploy from its journal), then deploy the refs it had not sent yet
            exit = follow(deploys, out, follow);
        }
        for (String ref : refs) {
            // the daemon applies the branch rule: this process loads neither JGit nor a YAML parser
            java.util.Optional<String> id;
            try {
                id = deploys.push(app, ref, null, Apps.user(), null, why -> out.println(PushLines.INSTANCE.skipped(app, why)));
            } catch (DaemonProcess.NotStarted e) {
                // post-update: git has moved the branch already; say so, and how to deploy it once the server runs
                out.println("=====> " + app + ": the push was received, but nothing was deployed: " + e.getMessage());
                out.println("=====> The branch is ahead of what is live. Once the server runs: sortie deploy " + app);
                exit = Math.max(exit, ExitCodes.UNAVAILABLE);
                continue;
            }
            if (id.isPresent()) {
                exit = Math.max(exit, follow(deploys, out, id.get()));
            }
        }
        return exit;
    }

    /** Follows a pushed deploy to its end; a failure says the branch is now ahead of what is live. */
    private int follow(Deploys deploys, PrintStream out, String deployId) throws Exception {
        int code = new DeployRunner(deploys, out).follow(app, deployId);
        if (code != ExitCodes.OK) {
            out.println(PushLines.INSTANCE.failed(app));
        }
        return code;
    }

    /** pre-receive: deploy the deploy branch's new commit from git's quarantine; non-zero rejects the whole push. */
    private int gate(Deploys deploys, PrintStream out) throws Exception {
        String quarantine = System.getenv("GIT_QUARANTINE_PATH");
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
            if (commit.equals(NO_COMMIT)) {
                if (ref.startsWith("refs/heads/")) {
                    String branch = ref.substring("refs/heads/".length());
                    if (branch.equals(deploys.deployBranch(app, old))) {
                        out.println("=====> " + app + ": refusing to delete " + branch + ", the deploy branch: it names what is live.");
                        return ExitCodes.FAILED;
                    }
                }
                out.println("-----> " + app + ": deleted " + ref + "; nothing to deploy.");
                continue;
            }
            DeployEvent.Gate gate = new DeployEvent.Gate(quarantine == null || quarantine.isBlank() ? null : quarantine, old, pusher);
            var id = deploys.push(app, ref, commit, Apps.user(), gate, why -> out.println(PushLines.INSTANCE.skipped(app, why)));
            if (id.isEmpty()) {
                continue;
            }
            int code = new DeployRunner(deploys, out).follow(app, id.get());
            if (code != ExitCodes.OK || !(deploys.state(app, id.get()).map(s -> s.terminal()).orElse(null) instanceof DeployEvent.Live)) {
                String branch = ref.substring("refs/heads/".length());
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
