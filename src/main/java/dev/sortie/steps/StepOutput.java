package dev.sortie.steps;

import dev.sortie.service.InstanceInfo;
import java.nio.file.Path;
import java.util.List;

/** What the steps hand on to later ones, one record per producing step. */
public sealed interface StepOutput {

    /** {@code package} found the runnable artifact. */
    record Packaged(Path artifact) implements StepOutput {
    }

    /** {@code copy_release} put the release in place and chose how to run it. */
    record ReleaseCopied(Path dir, List<String> run) implements StepOutput {
        public ReleaseCopied {
            run = List.copyOf(run);
        }
    }

    /** {@code upgrade_service} started the new release's instances (one unless {@code instances:} says more) and they are healthy. */
    record InstanceUp(List<InstanceInfo> instances) implements StepOutput {
        public InstanceUp {
            instances = List.copyOf(instances);
        }

        public InstanceUp(InstanceInfo instance) {
            this(List.of(instance));
        }

        /** The first instance: the port hooks and smoke bots see. */
        public InstanceInfo instance() {
            return instances.getFirst();
        }

        public List<Integer> ports() {
            return instances.stream().map(InstanceInfo::port).toList();
        }
    }
}
