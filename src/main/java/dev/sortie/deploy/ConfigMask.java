package dev.sortie.deploy;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.service.InstanceSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps an app's config values out of its deploy's journal, and so out of the push output: every line a
 * step, a build command or a hook prints has each value replaced by {@code ${NAME}}, as the supervisor's start
 * line shows the run command: a whole line always, inside a line when the value is {@value #MIN_INSIDE} characters
 * or more (shorter ones are ports, flags and names far more often than secrets, and masking them would garble
 * messages such as "it listens on 8080").
 */
final class ConfigMask implements Consumer<DeployEvent> {

    static final int MIN_INSIDE = 6;

    private final Consumer<DeployEvent> events;
    private final Map<String, String> config;

    ConfigMask(Consumer<DeployEvent> events, Map<String, String> config) {
        this.events = events;
        this.config = Map.copyOf(config);
    }

    @Override
    public void accept(DeployEvent event) {
        events.accept(mask(event));
    }

    String text(String line) {
        return line == null || config.isEmpty() ? line : InstanceSpec.masked(List.of(line), config, MIN_INSIDE).getFirst();
    }

    private List<String> lines(List<String> lines) {
        return lines == null ? null : lines.stream().map(this::text).toList();
    }

    DeployEvent mask(DeployEvent event) {
        if (config.isEmpty()) {
            return event;
        }
        return switch (event) {
            case DeployEvent.Output o -> new DeployEvent.Output(o.step(), text(o.line()));
            case DeployEvent.Notice n -> new DeployEvent.Notice(text(n.line()));
            case DeployEvent.StepDone d -> new DeployEvent.StepDone(d.step(), text(d.summary()), d.took());
            case DeployEvent.StepFailed f -> new DeployEvent.StepFailed(f.step(), text(f.reason()), lines(f.details()), f.took());
            case DeployEvent.HookRan h -> new DeployEvent.HookRan(h.step(), h.hook(), text(h.summary()), h.took());
            case DeployEvent.Problem p -> new DeployEvent.Problem(lines(p.lines()));
            case DeployEvent.Aborting a -> new DeployEvent.Aborting(a.step(), text(a.reason()));
            default -> event;
        };
    }
}
