package dev.sortie.steps;

import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Creates the staging dir the release is assembled in; it gets its real name only when complete. */
public final class MakeUpgradeDirStep implements Step<DeployContext> {

    @Override
    public StepId id() {
        return StepId.MAKE_UPGRADE_DIR;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        ReleaseStore store = ctx.services().releases();
        Path staging = store.staging(ctx.releaseId());
        try {
            Files.createDirectories(staging.getParent());
            Files.createDirectory(staging);
            Files.createDirectory(staging.resolve(ReleaseStore.APP_DIR));
        } catch (IOException e) {
            throw new StepFailure("cannot create " + staging + ": " + e);
        }
        return StepResult.of(ctx.home().root().relativize(store.dir(ctx.releaseId())).toString());
    }
}
