package dev.sortie.deploy;

import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import dev.sortie.service.InstanceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides how an unfinished deploy ends, from what its journal says and what the world shows: a
 * pure function, so every case is a unit test. A deploy that had committed is finished; any other
 * is undone (traffic back on the previous release, the new instance drained and stopped, the
 * release recorded as failed).
 */
public final class Reconciler {

    private Reconciler() {
    }

    /**
     * What the daemon sees of one app right now.
     *
     * @param siteRelease  the release the app's nginx site names, if it has a site
     * @param current      the release {@code current} points at
     * @param instances    releases the supervisor has an instance of (any state but stopping)
     * @param recorded     whether the deploy's release.json exists
     * @param staging      whether the deploy's unfinished release dir exists
     */
    public record World(Optional<String> siteRelease, Optional<String> current, Set<String> instances, boolean recorded,
            boolean staging) {
    }

    /** One thing to do; the daemon carries them out in order. */
    public sealed interface Action {
        /** Put the previous site back (or remove the site when there was none), reload, confirm {@code release} answers. */
        record RestoreSite(String previousSite, String release) implements Action {
        }

        /** Stop the instance, after the drain when it had traffic. */
        record RetireInstance(String release, boolean drain) implements Action {
        }

        /** Delete the unfinished release dir. */
        record RemoveStaging() implements Action {
        }

        /** Write release.json as failed. */
        record RecordFailure(StepId step, String reason) implements Action {
        }

        /** Write release.json as live. */
        record RecordLive() implements Action {
        }

        /** Point {@code current} at the deploy's release. */
        record SwitchCurrent() implements Action {
        }

        /** Drain and stop every other instance of the app. */
        record RetireOthers() implements Action {
        }

        /** Append the Live event. */
        record FinishLive() implements Action {
        }

        /** Append the Failed event. */
        record FinishFailed(StepId step, String reason, String previousRelease) implements Action {
        }

        /** Point the app's site at {@code release}'s instances on {@code ports} (it names another release). */
        record RepointSite(String release, List<Integer> ports) implements Action {
            public RepointSite {
                ports = List.copyOf(ports);
            }

            public RepointSite(String release, int port) {
                this(release, List.of(port));
            }
        }
    }

    /**
     * What the daemon sees of an app once no deploy of it is in flight.
     *
     * @param instances the port of each release the supervisor runs (not stopping)
     */
    public record AppWorld(Optional<String> current, Optional<String> siteRelease, Map<String, Integer> instances) {
    }

    /**
     * With no deploy in flight, only the live release should run and get traffic: the site is pointed
     * back at {@code current} when it names another release, and every other instance is retired
     * (after the drain when nginx was still sending it traffic).
     */
    public static List<Action> sweep(AppWorld world) {
        List<Action> actions = new ArrayList<>();
        String current = world.current().orElse(null);
        List<Integer> ports = world.instances().entrySet().stream()
                .filter(e -> InstanceInfo.releaseOf(e.getKey()).equals(current))
                .sorted(Map.Entry.comparingByKey())
                .map(Map.Entry::getValue)
                .toList();
        boolean repoint = current != null && !world.siteRelease().equals(world.current()) && !ports.isEmpty();
        if (repoint) {
            actions.add(new Action.RepointSite(current, ports));
        }
        for (String name : world.instances().keySet().stream().sorted().toList()) {
            String release = InstanceInfo.releaseOf(name);
            if (!release.equals(current)) {
                actions.add(new Action.RetireInstance(name, world.siteRelease().equals(Optional.of(release))));
            }
        }
        return actions;
    }

    /**
     * The actions that end {@code deploy}, whose worker is gone.
     *
     * @param death why the worker is gone when it did not say itself: "signal 9", "exit 0",
     *              "cancelled"; null when it exited after recording its own failure
     */
    public static List<Action> plan(DeployState deploy, World world, String death) {
        if (deploy.finished()) {
            return List.of();
        }
        String release = deploy.deployId();
        List<Action> actions = new ArrayList<>();
        if (deploy.committing()) {
            if (!world.recorded()) {
                actions.add(new Action.RecordLive());
            }
            if (!world.current().equals(Optional.of(release))) {
                actions.add(new Action.SwitchCurrent());
            }
            actions.add(new Action.RetireOthers());
            actions.add(new Action.FinishLive());
            return actions;
        }
        var switching = deploy.switching();
        if (switching != null && !world.siteRelease().equals(Optional.ofNullable(switching.previousRelease()))) {
            actions.add(new Action.RestoreSite(switching.previousSite(), switching.previousRelease()));
        }
        for (DeployEvent.StartingInstance instance : deploy.instances()) {
            if (world.instances().contains(instance.release())) {
                actions.add(new Action.RetireInstance(instance.release(), switching != null));
            }
        }
        if (world.staging()) {
            actions.add(new Action.RemoveStaging());
        }
        StepId step;
        String reason;
        if (deploy.aborting() != null) {
            step = deploy.aborting().step();
            reason = deploy.aborting().reason();
        } else {
            step = deploy.started() ? deploy.currentStep() : null;
            reason = describeDeath(deploy, Objects.requireNonNullElse(death, "it exited without a word"));
        }
        if (!world.recorded() && deploy.started()) {
            actions.add(new Action.RecordFailure(step, reason));
        }
        actions.add(new Action.FinishFailed(step, reason, deploy.previousRelease()));
        return actions;
    }

    /** "the deploy process died during compile (signal 9)", or "the deploy was cancelled during run_bots". */
    static String describeDeath(DeployState deploy, String death) {
        String when = !deploy.started() || deploy.currentStep() == null ? "before the first step" : "during " + deploy.currentStep();
        if (death.startsWith("cancelled")) {
            return "the deploy was " + death + " " + when;
        }
        return "the deploy process died " + when + " (" + death + ")";
    }
}
