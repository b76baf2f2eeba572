package dev.sortie.steps;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.release.ReleaseRecord;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The fixed facts of one deploy, known before its first step.
 *
 * @param previous the release that was live when the deploy started
 * @param jdkHome  the JDK Sortie runs on; builds and {@code java} run commands use it unless the app's env sets JAVA_HOME
 * @param kind     push, deploy, rollback, config or restart (a gated push is a push)
 * @param source   for a deploy of a stored release, the release whose files it runs; null for a build
 */
public record DeployFacts(
        SortieHome home,
        String app,
        AppConfig config,
        ServerConfig server,
        String commit,
        String branch,
        String releaseId,
        Path buildDir,
        Optional<ReleaseRecord> previous,
        Map<String, String> appEnv,
        Path jdkHome,
        String kind,
        String source) {

    public DeployFacts {
        appEnv = Map.copyOf(appEnv);
        kind = kind == null ? "push" : kind;
    }

    /** The facts of a push's build. */
    public DeployFacts(SortieHome home, String app, AppConfig config, ServerConfig server, String commit, String branch, String releaseId,
            Path buildDir, Optional<ReleaseRecord> previous, Map<String, String> appEnv, Path jdkHome) {
        this(home, app, config, server, commit, branch, releaseId, buildDir, previous, appEnv, jdkHome, "push", null);
    }
}
