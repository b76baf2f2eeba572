package dev.sortie.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepIdTest {

    private static final List<String> DESIGN_ORDER = List.of(
            "deps", "compile", "package", "make_upgrade_dir", "copy_release", "upgrade_service", "configure_nginx", "run_bots");

    @Test
    void eightIdsInDesignOrder() {
        assertEquals(DESIGN_ORDER, StepId.ids());
        assertEquals(DESIGN_ORDER, Arrays.stream(StepId.values()).map(StepId::toString).toList());
    }

    @Test
    void fromIdRoundTrips() {
        for (StepId step : StepId.values()) {
            assertEquals(Optional.of(step), StepId.fromId(step.id()));
        }
        assertEquals(Optional.of(StepId.MAKE_UPGRADE_DIR), StepId.fromId("make_upgrade_dir"));
    }

    @Test
    void fromIdUnknown() {
        assertEquals(Optional.empty(), StepId.fromId("PACKAGE"));
        assertEquals(Optional.empty(), StepId.fromId("make-upgrade-dir"));
        assertEquals(Optional.empty(), StepId.fromId(""));
    }
}
