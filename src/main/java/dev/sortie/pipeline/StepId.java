package dev.sortie.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The eight deploy steps, in pipeline order; their ids name the hooks ({@code before_compile}). */
public enum StepId {
    DEPS("deps"),
    COMPILE("compile"),
    PACKAGE("package"),
    MAKE_UPGRADE_DIR("make_upgrade_dir"),
    COPY_RELEASE("copy_release"),
    UPGRADE_SERVICE("upgrade_service"),
    CONFIGURE_NGINX("configure_nginx"),
    RUN_BOTS("run_bots");

    private final String id;

    StepId(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public static Optional<StepId> fromId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }

    /** For the journal: steps are written by id. */
    @JsonCreator
    static StepId ofId(String id) {
        return fromId(id).orElseThrow(() -> new IllegalArgumentException("no step " + id));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(StepId::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
