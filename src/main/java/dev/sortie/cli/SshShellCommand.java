package dev.sortie.cli;

import dev.sortie.access.SshRequest;
import dev.sortie.access.SshShell;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The forced command of every key {@code sortie ssh-keys} adds: runs git's receive-pack or upload-pack for
 * an app the key may push, or (admin keys) a sortie command in this process, with the key's name as the
 * user; refuses everything else.
 */
@Command(name = "ssh-shell", hidden = true, description = "Run by sshd for a Sortie key: reads SSH_ORIGINAL_COMMAND.")
final class SshShellCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    SshShellCommand() {
    }

    SshShellCommand(String key) {
        this.key = key;
    }

    @Override
    public Integer call() throws Exception {
        String original = System.getenv("SSH_ORIGINAL_COMMAND");
        SshShell shell = new SshShell(Homes.current(), Path.of(System.getProperty("user.home")));
        SshRequest decision = shell.decide(key, original);
        shell.record(key, original, decision);
        return switch (decision) {
            case SshRequest.Refused r -> {
                System.err.println("sortie: refused for key " + key + ": " + r.reason());
                yield ExitCodes.FAILED;
            }
            case SshRequest.Git g -> shell.runGit(key, g);
            case SshRequest.Sortie s -> {
                Apps.actAs(key);
                exitWhenClientLeaves();
                CommandLine cli = Main.commandLine();
                cli.setExpandAtFiles(false);
                yield cli.execute(s.argv().toArray(String[]::new));
            }
        };
    }

    /**
     * sshd exits when the client goes away without a signal to a command that has no terminal, so a
     * {@code logs -f} would follow on forever: end when our parent (sshd's session) is gone or our output is.
     */
    private static void exitWhenClientLeaves() {
        var parent = ProcessHandle.current().parent();
        Thread.ofPlatform().daemon().name("ssh-client-watch").start(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                boolean gone = parent.isPresent() && !parent.get().isAlive()
                        || !ProcessHandle.current().parent().equals(parent);
                if (gone || System.out.checkError()) {
                    Runtime.getRuntime().halt(ExitCodes.FAILED);
                }
            }
        });
    }
}
