package dev.sortie.nginx;

import dev.sortie.exec.CommandFailedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The nginx an installation routes through, as {@link SiteSwitch} drives it: Sortie's own master ({@link ManagedNginx}, the
 * default) or the system's, into whose sites directory Sortie writes only its own files ({@link SystemNginx}).
 */
public sealed interface Nginx permits ManagedNginx, SystemNginx {

    /** Where the apps' site files go. */
    Path sitesDir();

    /** An app's site file name in {@link #sitesDir()}. */
    String siteFileName(String app);

    /** The app whose site a file in {@link #sitesDir()} is, by its name; empty for a file that is not an app's site. */
    Optional<String> appOfSiteFile(String fileName);

    /** {@code $SORTIE_HOME/templates}: a template there is used instead of the bundled one of the same name. */
    Path templatesDir();

    /** The address the sites listen on, as a {@code listen} directive takes it ({@code [::1]} for IPv6). */
    String listenAddress();

    /** The HTTP port the sites listen on. */
    int port();

    /** The HTTPS port of sites with TLS. */
    int httpsPort();

    /** Where the ACME HTTP-01 answers in progress are, one {@code .conf} an app, included by the sites (and the catch-all). */
    Path acmeChallengesDir();

    /**
     * The file whose lock a site change holds from its domain check to nginx having taken it over, so changes (any app's
     * switch, undo, ACME reload) happen one at a time across all of Sortie's processes.
     */
    Path changesLock();

    /** Makes sure the files and directories Sortie writes into are there; safe to repeat. */
    void prepare() throws IOException;

    /** Runs {@code nginx -t}; returns nginx's complaint, or empty when the config is valid. */
    Optional<String> test();

    /** The running master's pid: what {@link NginxWorkers} watches to confirm a reload. */
    Optional<Long> masterPid();

    default boolean isRunning() {
        return masterPid().isPresent();
    }

    /** Has the master load the current config (the managed one is started when it is not running). */
    void startOrReload() throws CommandFailedException;

    /** Where nginx logs what went wrong, for messages. */
    String errorLog();

    /** {@code managed} or {@code system}, for messages. */
    String describe();
}
