package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigMaskTest {

    final List<DeployEvent> journal = new ArrayList<>();
    final ConfigMask mask = new ConfigMask(journal::add, Map.of("TOKEN", "s3cr3t-token", "PORT", "8080", "FLAG", "on"));

    @Test
    void valuesInLinesAStepOrAHookPrintsBecomeTheirNames() {
        mask.accept(new DeployEvent.Output(StepId.DEPS, "curl -u ci:s3cr3t-token https://repo"));
        mask.accept(new DeployEvent.StepFailed(StepId.DEPS, "curl -u ci:s3cr3t-token exited with 22", List.of("| s3cr3t-token"),
                Duration.ZERO));
        mask.accept(new DeployEvent.HookRan(StepId.DEPS, "before_deps", "failed: s3cr3t-token rejected", Duration.ZERO));
        mask.accept(new DeployEvent.Notice("on"));
        assertEquals(List.of(
                new DeployEvent.Output(StepId.DEPS, "curl -u ci:${TOKEN} https://repo"),
                new DeployEvent.StepFailed(StepId.DEPS, "curl -u ci:${TOKEN} exited with 22", List.of("| ${TOKEN}"), Duration.ZERO),
                new DeployEvent.HookRan(StepId.DEPS, "before_deps", "failed: ${TOKEN} rejected", Duration.ZERO),
                new DeployEvent.Notice("${FLAG}")), journal);
    }

    @Test
    void shortValuesInsideALineAndSortiesOwnVariablesStay() {
        ConfigMask ports = new ConfigMask(journal::add, Map.of("LISTEN_ON", "8080", "FLAG", "on"));
        ports.accept(new DeployEvent.Output(StepId.UPGRADE_SERVICE, "it listens on 8080, debug on"));
        assertEquals(List.of(new DeployEvent.Output(StepId.UPGRADE_SERVICE, "it listens on 8080, debug on")), journal);
    }
}
