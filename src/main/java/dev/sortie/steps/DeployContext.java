package dev.sortie.steps;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the steps of one deploy share: its fixed facts, the services it drives, and what earlier
 * steps produced. Steps that change the world register how to undo it if a later step fails.
 */
public final class DeployContext {

    /** An action that puts back what a step changed, run in reverse order when the deploy fails. */
    public record Undo(String what, UndoAction action) {
    }

    /** The body of an {@link Undo}. */
    @FunctionalInterface
    public interface UndoAction {
        void run() throws Exception;
    }

    /** The services a deploy drives. */
    public record Services(ServiceBackend backend, SiteSwitch sites, ReleaseStore releases) {
    }

    private final SortieHome home;
    private final String app;
    private final AppConfig config;
    private final ServerConfig server;
    private final String commit;
    private final String branch;
    private final String releaseId;
    private final Path buildDir;
    private final Optional<ReleaseRecord> previous;
    private final Map<String, String> appEnv;
    private final Path jdkHome;
    private final Services services;
    private final Deque<Undo> undo = new ArrayDeque<>();

    private Path artifact;
    private Path releaseDir;
    private List<String> runArgv = List.of();
    private InstanceInfo instance;

    public DeployContext(SortieHome home, String app, AppConfig config, ServerConfig server, String commit, String branch,
            String releaseId, Path buildDir, Optional<ReleaseRecord> previous, Map<String, String> appEnv, Path jdkHome,
            Services services) {
        this.home = home;
        this.app = app;
        this.config = config;
        this.server = server;
        this.commit = commit;
        this.branch = branch;
        this.releaseId = releaseId;
        this.buildDir = buildDir;
        this.previous = previous;
        this.appEnv = Map.copyOf(appEnv);
        this.jdkHome = jdkHome;
        this.services = services;
    }

    public SortieHome home() {
        return home;
    }

    public String app() {
        return app;
    }

    public AppConfig config() {
        return config;
    }

    public ServerConfig server() {
        return server;
    }

    public String commit() {
        return commit;
    }

    public String branch() {
        return branch;
    }

    public String releaseId() {
        return releaseId;
    }

    public Path buildDir() {
        return buildDir;
    }

    /** The release that was live when this deploy started. */
    public Optional<ReleaseRecord> previous() {
        return previous;
    }

    public Map<String, String> appEnv() {
        return appEnv;
    }

    /** The JDK Sortie runs on; builds and {@code java} run commands use it unless the app's env sets JAVA_HOME. */
    public Path jdkHome() {
        return jdkHome;
    }

    public Services services() {
        return services;
    }

    public void onFailure(String what, UndoAction action) {
        undo.push(new Undo(what, action));
    }

    /** The undo actions, most recent first. */
    public List<Undo> undoActions() {
        return List.copyOf(undo);
    }

    public Optional<Path> artifact() {
        return Optional.ofNullable(artifact);
    }

    void artifact(Path artifact) {
        this.artifact = artifact;
    }

    public Optional<Path> releaseDir() {
        return Optional.ofNullable(releaseDir);
    }

    void releaseDir(Path releaseDir) {
        this.releaseDir = releaseDir;
    }

    public List<String> runArgv() {
        return runArgv;
    }

    void runArgv(List<String> argv) {
        this.runArgv = List.copyOf(argv);
    }

    public Optional<InstanceInfo> instance() {
        return Optional.ofNullable(instance);
    }

    void instance(InstanceInfo instance) {
        this.instance = instance;
    }
}
