package dev.sortie.steps;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.StepOutputs;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.ServiceBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the steps of one deploy share: its fixed facts, the services it drives, where it records
 * its intents, and what earlier steps returned. Steps never write into it; the pipeline runner
 * keeps each step's output here for the steps after it.
 */
public final class DeployContext implements StepOutputs {

    /** The services a deploy drives. */
    public record Services(ServiceBackend backend, SiteSwitch sites, ReleaseStore releases, RemoteSites remote) {
        public Services(ServiceBackend backend, SiteSwitch sites, ReleaseStore releases) {
            this(backend, sites, releases, null);
        }
    }

    private final DeployFacts facts;
    private final Services services;
    private final WorldChanges changes;
    private final Map<Class<?>, Object> outputs = new ConcurrentHashMap<>();

    public DeployContext(DeployFacts facts, Services services, WorldChanges changes) {
        this.facts = facts;
        this.services = services;
        this.changes = changes;
    }

    public DeployFacts facts() {
        return facts;
    }

    public SortieHome home() {
        return facts.home();
    }

    public String app() {
        return facts.app();
    }

    public AppConfig config() {
        return facts.config();
    }

    public ServerConfig server() {
        return facts.server();
    }

    public String commit() {
        return facts.commit();
    }

    public String branch() {
        return facts.branch();
    }

    public String releaseId() {
        return facts.releaseId();
    }

    public Path buildDir() {
        return facts.buildDir();
    }

    public Optional<ReleaseRecord> previous() {
        return facts.previous();
    }

    public Map<String, String> appEnv() {
        return facts.appEnv();
    }

    public Path jdkHome() {
        return facts.jdkHome();
    }

    public Services services() {
        return services;
    }

    public WorldChanges changes() {
        return changes;
    }

    @Override
    public void put(Object output) {
        outputs.put(output.getClass(), output);
    }

    /** What an earlier step returned, if it ran and returned one. */
    public <T extends StepOutput> Optional<T> output(Class<T> type) {
        return Optional.ofNullable(type.cast(outputs.get(type)));
    }

    public Optional<Path> artifact() {
        return output(StepOutput.Packaged.class).map(StepOutput.Packaged::artifact);
    }

    public Optional<StepOutput.ReleaseCopied> release() {
        return output(StepOutput.ReleaseCopied.class);
    }

    /** The new release's first instance, once upgrade_service has started it. */
    public Optional<InstanceInfo> instance() {
        return output(StepOutput.InstanceUp.class).map(StepOutput.InstanceUp::instance);
    }

    /** Every instance of the new release, once upgrade_service has started them. */
    public List<InstanceInfo> instances() {
        return output(StepOutput.InstanceUp.class).map(StepOutput.InstanceUp::instances).orElse(List.of());
    }
}
