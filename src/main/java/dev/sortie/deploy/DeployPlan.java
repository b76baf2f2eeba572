package dev.sortie.deploy;

import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepId;
import dev.sortie.steps.BuildCommandStep;
import dev.sortie.steps.ConfigureNginxStep;
import dev.sortie.steps.CopyReleaseStep;
import dev.sortie.steps.DeployContext;
import dev.sortie.steps.MakeUpgradeDirStep;
import dev.sortie.steps.PackageStep;
import dev.sortie.steps.RunBotsStep;
import dev.sortie.steps.UpgradeServiceStep;
import java.util.List;

/** The eight steps of a deploy that builds, in the order DESIGN.md fixes, and the last three for a stored release. */
public final class DeployPlan {

    private DeployPlan() {
    }

    public static List<Step<DeployContext>> steps() {
        return List.of(
                new BuildCommandStep(StepId.DEPS),
                new BuildCommandStep(StepId.COMPILE),
                new PackageStep(),
                new MakeUpgradeDirStep(),
                new CopyReleaseStep(),
                new UpgradeServiceStep(),
                new ConfigureNginxStep(),
                new RunBotsStep());
    }

    /** A fleet's primary: it builds the release (the first five steps); the hosts run it (see fleet.FleetRoll). */
    public static List<Step<DeployContext>> build() {
        return steps().subList(0, 5);
    }

    /** A deploy of a stored release (rollback, config, restart): its files are in place, so only the last three steps run. */
    public static List<Step<DeployContext>> storedRelease() {
        return List.of(
                new UpgradeServiceStep(),
                new ConfigureNginxStep(),
                new RunBotsStep());
    }
}
