package dev.sortie.access;

import dev.sortie.config.AppName;
import dev.sortie.config.SortieHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** What an SSH client asked for in {@code SSH_ORIGINAL_COMMAND}, read without a shell. */
public sealed interface SshRequest {

    /** The git services a push or a fetch runs on the server. */
    Set<String> GIT_SERVICES = Set.of("git-receive-pack", "git-upload-pack");

    /** Sortie's commands an admin key may run over SSH; the hidden ones, {@code server} and everything else are refused. */
    Set<String> ADMIN_COMMANDS = Set.of("apps", "deploy", "deploys", "rollback", "config", "restart", "scale", "stop", "start", "ps",
            "releases", "logs", "url", "hooks", "bots", "ssh-keys", "fleet", "--help", "--version");

    /** {@code git-receive-pack} (push) or {@code git-upload-pack} (fetch) for an app's repo. */
    record Git(String service, String app) implements SshRequest {
    }

    /** A Sortie command line, e.g. {@code [config, set, shop, K=V]}. */
    record Sortie(List<String> argv) implements SshRequest {
    }

    /** Something that does not run; {@code reason} says why, in one line. */
    record Refused(String reason) implements SshRequest {
    }

    /**
     * Reads the command an SSH client sent.
     *
     * @param userHome where a {@code ~/} path starts (the home of the user sshd runs us as)
     */
    static SshRequest parse(String original, SortieHome home, Path userHome) {
        if (original == null || original.isBlank()) {
            return new Refused("no interactive shell here: push with git (git push USER@HOST:APP main), or run a sortie command"
                    + " with an admin key (ssh USER@HOST apps list)");
        }
        List<String> words;
        try {
            words = ShellWords.split(original);
        } catch (ShellWords.Refused e) {
            return new Refused(e.getMessage());
        }
        if (words.isEmpty()) {
            return new Refused("empty command");
        }
        String first = words.getFirst();
        if (GIT_SERVICES.contains(first)) {
            if (words.size() != 2) {
                return new Refused(first + " takes one repository, got " + (words.size() - 1) + " arguments");
            }
            String app = app(words.get(1), home, userHome);
            return app == null
                    ? new Refused(words.get(1) + " is not an app's repository (push to USER@HOST:APP, e.g. sortie@myhost:shop)")
                    : new Git(first, app);
        }
        if (!ADMIN_COMMANDS.contains(first)) {
            return new Refused(first.startsWith("-") ? first + ": options before a command are not accepted over SSH"
                    : first + " is not something this key can run over SSH (git push and fetch; admin keys: sortie commands such"
                    + " as apps list, config set, rollback, logs, deploys)");
        }
        return new Sortie(words);
    }

    /**
     * The app a repository path names: {@code shop}, {@code shop.git}, {@code /shop.git}, {@code ~/shop}, or the
     * repo's own path ({@code /root/.sortie/apps/shop/repo.git}, {@code ~/.sortie/apps/shop/repo.git}); else null.
     */
    static String app(String path, SortieHome home, Path userHome) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        String rest = p.startsWith("~/") ? p.substring(2) : p.startsWith("/") ? p.substring(1) : p;
        if (!rest.contains("/")) {
            String name = rest.endsWith(".git") ? rest.substring(0, rest.length() - 4) : rest;
            return AppName.isValid(name) ? name : null;
        }
        Path full = (p.startsWith("~/") ? userHome.resolve(rest) : Path.of(p)).normalize();
        if (!full.isAbsolute() || full.getNameCount() < 3 || !full.getFileName().toString().equals("repo.git")) {
            return null;
        }
        String name = full.getParent().getFileName().toString();
        return AppName.isValid(name) && full.equals(home.repo(name)) ? name : null;
    }
}
