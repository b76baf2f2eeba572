package dev.sortie.hooks;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a hook in {@code UpgradeHooks.java} knows about the deploy it runs in. It is read-only: a
 * hook can look, log and run commands, but cannot change the deploy. Every hook call gets a
 * fresh snapshot, so {@link #port()} is present from {@code after_upgrade_service} on.
 */
public interface DeployEnv {

    /** The app's name, e.g. {@code hello}. */
    String app();

    /** The full id of the commit being deployed. */
    String commit();

    /** The commit of the release that was live when this deploy started; empty on a first deploy. */
    Optional<String> previousCommit();

    /** The branch that was pushed. */
    String branch();

    /** This deploy's release id, e.g. {@code 20261121-120305-3f2a9c1}. */
    String releaseId();

    /** The directory the new instance runs from, {@code releases/<id>/app}; it exists once {@code copy_release} has put the release in place. */
    Path releaseDir();

    /** The checkout the build runs in. */
    Path buildDir();

    /** The port of the new instance, once {@code upgrade_service} has started it. */
    OptionalInt port();

    /** The app's config vars (unmodifiable). */
    Map<String, String> config();

    /** True when no release of this app was live before. */
    boolean firstDeploy();

    /**
     * What kind of deploy this is: {@code push} (a push or {@code sortie deploy}: the build steps run), or
     * {@code rollback}, {@code config} or {@code restart}, which run only {@code upgrade_service},
     * {@code configure_nginx} and {@code run_bots} on a stored release.
     */
    default String kind() {
        return "push";
    }

    /** Prints a line to the pusher (as a {@code remote:} line) and the deploy log. */
    void log(String message);

    /**
     * Runs a command in the build dir, streaming its output to the pusher. The arguments are
     * passed as they are: there is no shell.
     *
     * @throws HookException when the command cannot start or exits non-zero; this fails the hook
     */
    void run(String... argv);
}
