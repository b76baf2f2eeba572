package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.deploy.Reconciler.Action;
import dev.sortie.deploy.Reconciler.World;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.pipeline.StepId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reconcile, case by case: from what a journal says and what the world shows, to what the daemon does. */
@Timeout(10)
class ReconcilerTest {

    static final String ID = "20261201-120000-abcdef1";
    static final String OLD = "20261130-120000-0000000";
    static final String SHA = "abcdef1234567890abcdef1234567890abcdef12";
    static final String OLD_SITE = "# hello: release " + OLD + ".\n";

    /** A journal that got as far as {@code events}, after a queued line and a worker. */
    static DeployState journal(DeployEvent... events) {
        List<Journal.Line> lines = new ArrayList<>();
        lines.add(new Journal.Line(Instant.parse("2026-12-01T12:00:00Z"), new DeployEvent.Queued(ID, "hello", SHA, "main", "push", "root")));
        lines.add(new Journal.Line(Instant.parse("2026-12-01T12:00:00Z"), new DeployEvent.WorkerStarted(99)));
        for (DeployEvent e : events) {
            lines.add(new Journal.Line(Instant.parse("2026-12-01T12:00:01Z"), e));
        }
        return DeployState.of(lines).orElseThrow();
    }

    static DeployEvent started() {
        return new DeployEvent.Started("hello", SHA, "main", ID, OLD);
    }

    static DeployEvent step(StepId id) {
        return new DeployEvent.StepStarted(id);
    }

    static DeployEvent done(StepId id) {
        return new DeployEvent.StepDone(id, id.id(), Duration.ofMillis(10));
    }

    static final DeployEvent STARTING = new DeployEvent.StartingInstance(ID, 40001, List.of("java", "-jar", "a.jar"));
    static final DeployEvent SWITCHING = new DeployEvent.SwitchingNginx(ID, OLD_SITE, OLD);

    static World world(String site, String current, Set<String> instances, boolean recorded, boolean staging) {
        return new World(Optional.ofNullable(site), Optional.ofNullable(current), instances, recorded, staging);
    }

    @Test
    void aFinishedDeployNeedsNothing() {
        DeployState d = journal(started(), new DeployEvent.Live("hello", ID, "http://x/"));
        assertEquals(List.of(), Reconciler.plan(d, world(ID, ID, Set.of(ID), true, false), "signal 9"));
    }

    @Test
    void killedBeforeTheFirstStepChangedNothingAndSaysSo() {
        DeployState d = journal();
        assertEquals(List.of(new Action.FinishFailed(null, "the deploy process died before the first step (signal 9)", null)),
                Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, false), "signal 9"));
    }

    @Test
    void killedDuringABuildStepIsRecordedAsFailedAtThatStep() {
        DeployState d = journal(started(), step(StepId.DEPS), done(StepId.DEPS), step(StepId.COMPILE));
        String reason = "the deploy process died during compile (signal 9)";
        assertEquals(List.of(new Action.RecordFailure(StepId.COMPILE, reason), new Action.FinishFailed(StepId.COMPILE, reason, OLD)),
                Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, false), "signal 9"));
    }

    @Test
    void anUnfinishedReleaseDirIsRemoved() {
        DeployState d = journal(started(), step(StepId.COPY_RELEASE));
        List<Action> plan = Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, true), "signal 9");
        assertEquals(new Action.RemoveStaging(), plan.getFirst());
    }

    @Test
    void aStartedInstanceWithoutTrafficStopsAtOnce() {
        DeployState d = journal(started(), step(StepId.UPGRADE_SERVICE), STARTING);
        String reason = "the deploy process died during upgrade_service (signal 9)";
        assertEquals(List.of(new Action.RetireInstance(ID, false), new Action.RecordFailure(StepId.UPGRADE_SERVICE, reason),
                new Action.FinishFailed(StepId.UPGRADE_SERVICE, reason, OLD)),
                Reconciler.plan(d, world(OLD, OLD, Set.of(OLD, ID), false, false), "signal 9"));
    }

    @Test
    void anInstanceThatNeverStartedIsNotStopped() {
        DeployState d = journal(started(), step(StepId.UPGRADE_SERVICE), STARTING);
        List<Action> plan = Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, false), "signal 9");
        assertEquals(2, plan.size(), plan::toString);
    }

    @Test
    void afterTheSwitchTrafficGoesBackFirstThenTheNewInstanceDrains() {
        DeployState d = journal(started(), step(StepId.UPGRADE_SERVICE), STARTING, done(StepId.UPGRADE_SERVICE),
                step(StepId.CONFIGURE_NGINX), SWITCHING, done(StepId.CONFIGURE_NGINX), step(StepId.RUN_BOTS));
        String reason = "the deploy process died during run_bots (signal 9)";
        assertEquals(List.of(new Action.RestoreSite(OLD_SITE, OLD), new Action.RetireInstance(ID, true),
                new Action.RecordFailure(StepId.RUN_BOTS, reason), new Action.FinishFailed(StepId.RUN_BOTS, reason, OLD)),
                Reconciler.plan(d, world(ID, OLD, Set.of(OLD, ID), false, false), "signal 9"));
    }

    @Test
    void aSwitchIntentWhoseSiteStillNamesThePreviousReleaseNeedsNoRestoreButStillDrains() {
        DeployState d = journal(started(), STARTING, step(StepId.CONFIGURE_NGINX), SWITCHING);
        List<Action> plan = Reconciler.plan(d, world(OLD, OLD, Set.of(OLD, ID), false, false), "signal 9");
        assertEquals(new Action.RetireInstance(ID, true), plan.getFirst());
    }

    @Test
    void aFirstDeployThatHadSwitchedRemovesItsSite() {
        DeployState d = journal(new DeployEvent.Started("hello", SHA, "main", ID, null), STARTING, step(StepId.CONFIGURE_NGINX),
                new DeployEvent.SwitchingNginx(ID, null, null));
        List<Action> plan = Reconciler.plan(d, world(ID, null, Set.of(ID), false, false), "exit 0");
        assertEquals(new Action.RestoreSite(null, null), plan.getFirst());
        assertEquals(new Action.FinishFailed(StepId.CONFIGURE_NGINX, "the deploy process died during configure_nginx (exit 0)", null),
                plan.getLast());
    }

    @Test
    void aWorkerThatRecordedItsOwnFailureKeepsItsReason() {
        DeployState d = journal(started(), STARTING, SWITCHING, step(StepId.RUN_BOTS),
                new DeployEvent.Aborting(StepId.RUN_BOTS, "smoke bots failed: 1 of 1 bots did not reach done"));
        List<Action> plan = Reconciler.plan(d, world(ID, OLD, Set.of(OLD, ID), false, false), null);
        assertEquals(new Action.FinishFailed(StepId.RUN_BOTS, "smoke bots failed: 1 of 1 bots did not reach done", OLD), plan.getLast());
    }

    @Test
    void aConfigProblemBeforeTheFirstStepIsRecordedToo() {
        DeployState d = journal(started(), new DeployEvent.Aborting(null, "sortie.yml: healthcheck.timout: unknown key"));
        assertEquals(List.of(new Action.RecordFailure(null, "sortie.yml: healthcheck.timout: unknown key"),
                new Action.FinishFailed(null, "sortie.yml: healthcheck.timout: unknown key", OLD)),
                Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, false), null));
    }

    @Test
    void aCancelSaysWhoCancelledAndWhen() {
        DeployState d = journal(started(), step(StepId.COMPILE));
        List<Action> plan = Reconciler.plan(d, world(OLD, OLD, Set.of(OLD), false, false), "cancelled by alice");
        assertEquals(new Action.FinishFailed(StepId.COMPILE, "the deploy was cancelled by alice during compile", OLD), plan.getLast());
    }

    @Test
    void aCommittedDeployFinishesWhateverIsMissing() {
        DeployState d = journal(started(), STARTING, SWITCHING, done(StepId.RUN_BOTS), new DeployEvent.Committing(ID));
        assertEquals(List.of(new Action.RecordLive(), new Action.SwitchCurrent(), new Action.RetireOthers(), new Action.FinishLive()),
                Reconciler.plan(d, world(ID, OLD, Set.of(OLD, ID), false, false), "signal 9"));
        assertEquals(List.of(new Action.SwitchCurrent(), new Action.RetireOthers(), new Action.FinishLive()),
                Reconciler.plan(d, world(ID, OLD, Set.of(OLD, ID), true, false), "signal 9"));
        assertEquals(List.of(new Action.RetireOthers(), new Action.FinishLive()),
                Reconciler.plan(d, world(ID, ID, Set.of(ID), true, false), "signal 9"));
    }

    @Test
    void aSweepRetiresWhatNoRecordNamesAndPointsTheSiteBackAtCurrent() {
        var world = new Reconciler.AppWorld(Optional.of(OLD), Optional.of(ID), Map.of(OLD, 4000, ID, 4001));
        assertEquals(List.of(new Action.RepointSite(OLD, 4000), new Action.RetireInstance(ID, true)), Reconciler.sweep(world));
    }

    @Test
    void aSweepOfAnAppThatAgreesDoesNothing() {
        assertEquals(List.of(), Reconciler.sweep(new Reconciler.AppWorld(Optional.of(OLD), Optional.of(OLD), Map.of(OLD, 4000))));
    }

    @Test
    void aSweepStopsAnUnnamedInstanceThatHadNoTrafficAtOnce() {
        var world = new Reconciler.AppWorld(Optional.of(OLD), Optional.of(OLD), Map.of(OLD, 4000, ID, 4001));
        assertEquals(List.of(new Action.RetireInstance(ID, false)), Reconciler.sweep(world));
    }

    @Test
    void aSweepStopsTheInstanceOfAnAppThatWasNeverLive() {
        assertEquals(List.of(new Action.RetireInstance(ID, false)),
                Reconciler.sweep(new Reconciler.AppWorld(Optional.empty(), Optional.empty(), Map.of(ID, 4001))));
    }
}
