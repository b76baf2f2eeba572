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

    /** {@code upgrade_service} started the new instance and it is healthy. */
    record InstanceUp(InstanceInfo instance) implements StepOutput {
    }
}
