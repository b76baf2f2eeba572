package dev.sortie.config;

import java.time.Duration;
import java.util.List;

/**
 * An app's {@code sortie.yml}, at the root of its repository. Every key is optional.
 *
 * @param branch      the branch whose pushes deploy (default {@code main})
 * @param steps       argv overrides for the build steps; an empty list skips the step
 * @param artifact    glob (relative to the build dir) of the file the package step produces
 * @param files       extra files or directories from the build dir copied into the release
 * @param run         argv that starts the app in its release dir; {@code $PORT} is in its environment
 * @param healthcheck when a new instance counts as ready
 * @param domains     server names nginx routes to the app (default {@code NAME.localhost})
 * @param hooks       where the project's UpgradeHooks.java is and how long a hook may run
 * @param bots        the smoke bots run_bots releases
 * @param instances   how many instances of each release run behind the app's nginx upstream (default 1)
 * @param standby     how long the previous release keeps running without traffic after a deploy, for an
 *                    instant rollback; null: the server's {@code standby} (or the app's setting)
 * @param nginx       the few site settings an app may choose
 * @param tls         {@code auto}: HTTPS for the app's domains with a certificate from the server's ACME server; null: HTTP only
 *                    (unless the server config names certificate files)
 * @param httpsRedirect send plain HTTP requests to HTTPS (301) once the app serves HTTPS
 */
public record AppConfig(
        String branch,
        StepCommands steps,
        String artifact,
        List<String> files,
        List<String> run,
        Healthcheck healthcheck,
        List<String> domains,
        HooksConfig hooks,
        BotsConfig bots,
        Integer instances,
        Duration standby,
        NginxOptions nginx,
        String tls,
        Boolean httpsRedirect) {

    public static final String FILE_NAME = "sortie.yml";
    /** The most instances of one release Sortie runs behind an app's upstream. */
    public static final int MAX_INSTANCES = 32;

    public AppConfig {
        branch = branch == null ? "main" : branch;
        steps = steps == null ? StepCommands.NONE : steps;
        files = files == null ? List.of() : List.copyOf(files);
        run = run == null ? null : List.copyOf(run);
        healthcheck = healthcheck == null ? Healthcheck.DEFAULT : healthcheck;
        domains = domains == null ? List.of() : List.copyOf(domains);
        hooks = hooks == null ? HooksConfig.DEFAULT : hooks;
        bots = bots == null ? BotsConfig.DEFAULT : bots;
        instances = instances == null ? 1 : instances;
        nginx = nginx == null ? NginxOptions.DEFAULT : nginx;
        httpsRedirect = httpsRedirect != null && httpsRedirect;
    }

    public static AppConfig defaults() {
        return new AppConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** This config with another instance count: {@code sortie scale} overrides sortie.yml's. */
    public AppConfig withInstances(int count) {
        return new AppConfig(branch, steps, artifact, files, run, healthcheck, domains, hooks, bots, count, standby, nginx, tls,
                httpsRedirect);
    }

    /** The domains nginx should serve, defaulting to {@code NAME.localhost}. */
    public List<String> domainsFor(String app) {
        return domains.isEmpty() ? List.of(app + ".localhost") : domains;
    }
}
