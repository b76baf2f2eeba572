package dev.sortie.config;

import java.nio.file.Path;
import java.util.Map;

/** The server home and every path Sortie writes under it; two homes never share a file. */
public record SortieHome(Path root) {

    public SortieHome {
        root = root.toAbsolutePath().normalize();
    }

    /** {@code $SORTIE_HOME}, else {@code ~/.sortie}. */
    public static SortieHome fromEnvironment(Map<String, String> env) {
        String configured = env.get("SORTIE_HOME");
        if (configured != null && !configured.isBlank()) {
            return new SortieHome(Path.of(configured));
        }
        return new SortieHome(Path.of(System.getProperty("user.home"), ".sortie"));
    }

    public Path serverConfig() {
        return root.resolve("sortie.yml");
    }

    public Path runDir() {
        return root.resolve("run");
    }

    /** The socket an app's own processes reach the daemon on, when each app runs as its own user (app_users). */
    public Path appSocket() {
        return root.resolve("app-run").resolve("sortie.sock");
    }

    /** The HOME of an app's processes when the app runs as its own user: its builds' caches (~/.m2) live there. */
    public Path appHome(String app) {
        return appDir(app).resolve("home");
    }

    public Path socket() {
        return runDir().resolve("sortie.sock");
    }

    /** Written by {@code sortie server stop}: the daemon is down on purpose, so nothing starts it behind the user's back. */
    public Path serverStopped() {
        return runDir().resolve("server.stopped");
    }

    public Path serverLog() {
        return runDir().resolve("server.log");
    }

    public Path nginxDir() {
        return root.resolve("nginx");
    }

    public Path appsDir() {
        return root.resolve("apps");
    }

    public Path appDir(String app) {
        return appsDir().resolve(AppName.require(app));
    }

    public Path repo(String app) {
        return appDir(app).resolve("repo.git");
    }

    public Path releasesDir(String app) {
        return appDir(app).resolve("releases");
    }

    public Path current(String app) {
        return appDir(app).resolve("current");
    }

    public Path logsDir(String app) {
        return appDir(app).resolve("logs");
    }

    public Path buildsDir(String app) {
        return appDir(app).resolve("builds");
    }

    public Path envFile(String app) {
        return appDir(app).resolve("env");
    }

    /** The journals of an app's deploys, one {@code <id>.jsonl} each. */
    public Path deploysDir(String app) {
        return appDir(app).resolve("deploys");
    }

    public Path journal(String app, String deployId) {
        return deploysDir(app).resolve(deployId + ".jsonl");
    }

    public Path appSettings(String app) {
        return appDir(app).resolve(AppSettings.FILE_NAME);
    }

    public Path deployLock(String app) {
        return appDir(app).resolve("deploy.lock");
    }
}
