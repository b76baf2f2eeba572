package dev.sortie.access;

import dev.sortie.config.SortieHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code sortie ssh-shell NAME}, the forced command of every Sortie key: decides what the key's
 * {@code SSH_ORIGINAL_COMMAND} may run, logs each decision to {@code $SORTIE_HOME/run/ssh.log} with the
 * key's name, and runs git's own receive-pack or upload-pack for the app (argv only, no shell).
 */
public final class SshShell {

    /** The environment variable the pusher's name reaches the git hooks in. */
    public static final String USER_VARIABLE = "SORTIE_USER";

    private final SortieHome home;
    private final Path userHome;
    private final SshKeyStore store;

    public SshShell(SortieHome home, Path userHome) {
        this.home = home;
        this.userHome = userHome;
        this.store = SshKeyStore.of(home);
    }

    public Path log() {
        return home.runDir().resolve("ssh.log");
    }

    /** What the key's request comes to: a git service, a Sortie command, or a refusal. */
    public SshRequest decide(String keyName, String original) throws IOException {
        Optional<SshKey> key = SshKey.validName(keyName) ? store.find(keyName) : Optional.empty();
        if (key.isEmpty()) {
            return new SshRequest.Refused("no key named " + keyName + " in " + store.path() + " (sortie ssh-keys list)");
        }
        KeyRights rights = key.get().rights();
        SshRequest request = SshRequest.parse(original, home, userHome);
        return switch (request) {
            case SshRequest.Refused r -> r;
            case SshRequest.Git g when !rights.mayPush(g.app()) -> new SshRequest.Refused("key " + keyName + " may not push or fetch "
                    + g.app() + " (its rights: " + rights.describe() + ")");
            case SshRequest.Git g when !Files.isDirectory(home.repo(g.app())) -> new SshRequest.Refused("no app named " + g.app());
            case SshRequest.Git g -> g;
            case SshRequest.Sortie s when !rights.admin() -> new SshRequest.Refused("key " + keyName + " may push and fetch but not run "
                    + "sortie commands (" + s.argv().getFirst() + " needs an admin key: sortie ssh-keys add " + keyName + " --admin)");
            case SshRequest.Sortie s -> s;
        };
    }

    /** {@code git-receive-pack REPO} or {@code git-upload-pack REPO}, with the key's name for the hooks. */
    public List<String> gitArgv(SshRequest.Git git) {
        return List.of(git.service(), home.repo(git.app()).toString());
    }

    /** Runs the git service with this process's standard streams; its exit code. */
    public int runGit(String keyName, SshRequest.Git git) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(gitArgv(git)).inheritIO();
        pb.environment().put(USER_VARIABLE, keyName);
        return pb.start().waitFor();
    }

    /** Appends one line to the SSH log: when, which key, what it asked for, and what came of it. */
    public void record(String keyName, String original, SshRequest decision) {
        String outcome = switch (decision) {
            case SshRequest.Refused r -> "refused: " + r.reason();
            case SshRequest.Git g -> "allowed: " + g.service() + " " + g.app();
            case SshRequest.Sortie s -> "allowed: sortie " + String.join(" ", s.argv());
        };
        String line = Instant.now() + " key=" + keyName + " command=" + visible(original) + " " + outcome + "\n";
        try {
            Files.createDirectories(home.runDir());
            Files.writeString(log(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            System.err.println("sortie: cannot write " + log() + ": " + e.getMessage());
        }
    }

    private static String visible(String original) {
        if (original == null || original.isEmpty()) {
            return "(none)";
        }
        String cut = original.length() > 300 ? original.substring(0, 300) + "..." : original;
        return dev.sortie.config.Quote.of(cut);
    }
}
