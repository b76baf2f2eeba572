package dev.sortie.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.ManagedNginx;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.DeployEvent;
import dev.sortie.service.InstanceInfo;
import dev.sortie.service.InstanceSpec;
import dev.sortie.service.ServiceBackend;
import dev.sortie.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy queue with fake worker processes (and, where it matters, real ones): the order deploys
 * run in after a restart, what a cancel hits while a deploy is starting or ending, and what a
 * restart leaves of a worker that was running.
 */
@Timeout(60)
class DeployQueueComponentTest {

    static final String APP = "hello";
    static final String SHA = "abcdef1234567890abcdef1234567890abcdef12";

    @TempDir
    Path dir;

    SortieHome home;
    FakeWorkers workers;
    FakeBackend backend;
    DeployQueue queue;

    @BeforeEach
    void setUp() throws IOException {
        home = new SortieHome(dir);
        Files.createDirectories(home.repo(APP));
        workers = new FakeWorkers();
        backend = new FakeBackend();
        ServerConfig server = ServerConfig.defaults();
        SiteSwitch sites = new SiteSwitch(new ManagedNginx(home.root(), home.nginxDir(), server.nginx()));
        Convergence convergence = new Convergence(home, server, backend, sites, (app, config) -> "http://" + app + ".localhost/");
        queue = new DeployQueue(home, workers, convergence);
    }

    @AfterEach
    void tearDown() {
        workers.releaseTake.countDown();
        backend.releaseList.countDown();
        queue.close();
    }

    // ---- order

    /** Ids sort by second, then by commit: three deploys queued in one second must still run in the order they arrived. */
    @Test
    void deploysQueuedInOneSecondRunInArrivalOrderAfterARestart() throws Exception {
        Instant second = Instant.parse("2026-12-01T12:00:00Z");
        List<String> arrival = List.of("20261201-120000-fff0000", "20261201-120000-aaa0000", "20261201-120000-5550000");
        for (int i = 0; i < arrival.size(); i++) {
            writeQueued(arrival.get(i), second.plusMillis(100 * (i + 1)));
        }

        queue.recover();
        for (String id : arrival) {
            awaitEnd(id);
        }

        assertEquals(arrival, workers.ran(), "they ran in the order they arrived");
        assertEquals(arrival.reversed(), queue.list(APP, 10).stream().map(DeployState::deployId).toList(),
                "sortie deploys lists them newest first by arrival");
        writeQueued("20261201-115959-bbb0000", second.minusSeconds(1));
        assertEquals(arrival.reversed().subList(0, 2), queue.list(APP, 2).stream().map(DeployState::deployId).toList(),
                "the newest two of a second that holds three");
    }

    // ---- cancel while a deploy starts

    /** Between leaving the queue and having a worker, a deploy is the app's next one: cancelling the app cancels it, not the one behind it. */
    @Test
    void cancellingTheAppWhileItsDeployIsStartingCancelsThatDeploy() throws Exception {
        queue.recover();
        workers.holdTake = true;
        String first = enqueue();
        assertTrue(workers.takeEntered.await(10, TimeUnit.SECONDS), "the first deploy is starting");
        String second = enqueue();

        String message = queue.cancel(APP, "tester");
        workers.releaseTake.countDown();

        assertTrue(message.contains(first), message);
        DeployEvent end = awaitEnd(first);
        assertInstanceOf(DeployEvent.Skipped.class, end);
        assertTrue(((DeployEvent.Skipped) end).reason().contains("cancelled by tester"), end.toString());
        assertInstanceOf(DeployEvent.Live.class, awaitEnd(second), "the deploy behind it still runs");
        assertEquals(List.of(second), workers.ran(), "the cancelled deploy never got to run");
    }

    @Test
    void cancellingADeployByIdWhileItIsStartingStopsIt() throws Exception {
        queue.recover();
        workers.holdTake = true;
        String id = enqueue();
        assertTrue(workers.takeEntered.await(10, TimeUnit.SECONDS), "the deploy is starting");

        String message = queue.cancel(id, "tester");
        workers.releaseTake.countDown();

        assertTrue(message.contains(id), message);
        assertInstanceOf(DeployEvent.Skipped.class, awaitEnd(id));
        assertEquals(List.of(), workers.ran(), "it never ran");
        Await.until("the worker taken for it is stopped", () -> workers.taken.stream().allMatch(w -> w.exit.isDone()));
    }

    // ---- cancel while a deploy ends

    /** A worker that died is being reconciled: cancelling the app must not hit the deploy queued behind it. */
    @Test
    void cancellingTheAppWhileItsDeployIsBeingUndoneDoesNotCancelTheNextOne() throws Exception {
        queue.recover();
        workers.dieOnGo = true;
        backend.holdList = true;
        String first = enqueue();
        assertTrue(backend.listEntered.await(10, TimeUnit.SECONDS), "the dead worker's deploy is being reconciled");
        workers.dieOnGo = false;
        String second = enqueue();

        IOException refused = assertThrows(IOException.class, () -> queue.cancel(APP, "tester"));
        backend.releaseList.countDown();

        assertTrue(refused.getMessage().contains(first), refused.getMessage());
        assertInstanceOf(DeployEvent.Failed.class, awaitEnd(first));
        assertInstanceOf(DeployEvent.Live.class, awaitEnd(second), "the deploy behind it was not cancelled");
    }

    // ---- restart

    /** A worker still running when the server restarts is stopped with everything it started (a build, a hook's command). */
    @Test
    void aRestartStopsTheOldWorkerAndItsChildren() throws Exception {
        Process worker = new ProcessBuilder("bash", "-c", "sleep 300 & wait", "deploy-worker").start();
        List<ProcessHandle> children = List.of();
        for (int i = 0; i < 100 && children.isEmpty(); i++) {
            Thread.sleep(20);
            children = worker.descendants().toList();
        }
        assertFalse(children.isEmpty(), "the fake worker has a child");
        String id = "20261201-120000-abcdef1";
        writeQueued(id, Instant.now());
        try (Journal journal = Journal.open(home.journal(APP, id))) {
            journal.appendDurably(new DeployEvent.WorkerStarted(worker.pid()));
        }
        try {
            queue.recover();

            assertFalse(worker.isAlive(), "the worker is stopped");
            for (ProcessHandle child : children) {
                Await.until("its child " + child.pid() + " is stopped too", () -> !child.isAlive());
            }
            DeployEvent end = Journal.events(home.journal(APP, id)).getLast();
            assertInstanceOf(DeployEvent.Failed.class, end);
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            worker.destroyForcibly();
        }
    }

    /** A deploy that cannot be ended at start (here its app's lock cannot be taken) must not keep the server, and the other apps, down. */
    @Test
    void aDeployThatCannotBeEndedAtStartDoesNotStopRecovery() throws Exception {
        String broken = "broken";
        Files.createDirectories(home.deployLock(broken)); // a directory where the lock file should be: the lock cannot be taken
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stuck = "20261201-110000-abcdef1";
        Path stuckJournal = home.journal(broken, stuck);
        Files.createDirectories(stuckJournal.getParent());
        Files.writeString(stuckJournal, Journal.JSON.writeValueAsString(new Journal.Line(Instant.now(),
                new DeployEvent.Queued(stuck, broken, SHA, "main", "deploy", "tester"))) + "\n"
                + Journal.JSON.writeValueAsString(new Journal.Line(Instant.now(), new DeployEvent.WorkerStarted(gone.pid()))) + "\n");
        String waiting = "20261201-120000-abcdef1";
        writeQueued(waiting, Instant.now());

        queue.recover();

        assertInstanceOf(DeployEvent.Live.class, awaitEnd(waiting), "the other app's queued deploy still runs");
    }

    /** The worker reads the commit by its full id: the daemon takes nothing else (a short or made-up id reached the worker, which died). */
    @Test
    void onlyAFullCommitIdIsQueued() throws Exception {
        queue.recover();
        for (String commit : new String[] {"abcdef1", "ABCDEF1234567890ABCDEF1234567890ABCDEF12", null}) {
            IOException refused = assertThrows(IOException.class,
                    () -> queue.enqueue(new DeployQueue.Request(APP, commit, "main", "deploy", "tester", null)));
            assertEquals("not a full commit id: " + commit, refused.getMessage());
        }
        assertEquals(List.of(), queue.list(APP, 10), "nothing was queued");
    }

    // ---- helpers

    String enqueue() throws Exception {
        return queue.enqueue(new DeployQueue.Request(APP, SHA, "main", "deploy", "tester", null));
    }

    /** A journal holding only its Queued line, written at {@code at}, as a daemon that died left it. */
    void writeQueued(String id, Instant at) throws IOException {
        Path file = home.journal(APP, id);
        Files.createDirectories(file.getParent());
        String line = Journal.JSON.writeValueAsString(new Journal.Line(at, new DeployEvent.Queued(id, APP, SHA, "main", "deploy", "tester")));
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    DeployEvent awaitEnd(String id) throws InterruptedException {
        Path file = home.journal(APP, id);
        DeployEvent[] end = {null};
        Await.until("deploy " + id + " ends", () -> {
            try {
                List<DeployEvent> events = Journal.events(file);
                if (!events.isEmpty() && events.getLast().terminal()) {
                    end[0] = events.getLast();
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        return end[0];
    }

    /** Workers that go live at once (or die), recording which deploys they ran; {@link #take} can be held. */
    static final class FakeWorkers implements DeployQueue.Workers {
        static final AtomicLong PIDS = new AtomicLong(4_000_000);
        final List<String> ran = new CopyOnWriteArrayList<>();
        final List<FakeWorker> taken = new CopyOnWriteArrayList<>();
        final CountDownLatch takeEntered = new CountDownLatch(1);
        final CountDownLatch releaseTake = new CountDownLatch(1);
        volatile boolean holdTake;
        volatile boolean dieOnGo;

        @Override
        public DeployQueue.Worker take(String app) throws IOException {
            if (holdTake) {
                takeEntered.countDown();
                try {
                    releaseTake.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            FakeWorker w = new FakeWorker(this, PIDS.incrementAndGet(), dieOnGo);
            taken.add(w);
            return w;
        }

        List<String> ran() {
            return List.copyOf(ran);
        }
    }

    static final class FakeWorker implements DeployQueue.Worker {
        final FakeWorkers workers;
        final long pid;
        final boolean die;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();

        FakeWorker(FakeWorkers workers, long pid, boolean die) {
            this.workers = workers;
            this.pid = pid;
            this.die = die;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public void go(Path journal) throws IOException {
            String id = journal.getFileName().toString().replace(".jsonl", "");
            workers.ran.add(id);
            if (die) {
                exit.complete(128 + 9);
                return;
            }
            try (Journal j = Journal.open(journal)) {
                j.appendDurably(new DeployEvent.Live(APP, id, "http://hello.localhost/"));
            }
            exit.complete(0);
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return exit.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void kill() {
            exit.complete(128 + 9);
        }
    }

    /** No instances; {@link #list} (which every reconcile calls first) can be held, to catch a deploy while it is being undone. */
    static final class FakeBackend implements ServiceBackend {
        final CountDownLatch listEntered = new CountDownLatch(1);
        final CountDownLatch releaseList = new CountDownLatch(1);
        volatile boolean holdList;

        @Override
        public InstanceInfo start(InstanceSpec spec) throws IOException {
            throw new IOException("not in this test");
        }

        @Override
        public void stop(String app, String release, Duration timeout) {
        }

        @Override
        public void retire(String app, String release, Duration drain, Duration timeout) {
        }

        @Override
        public List<InstanceInfo> list() throws IOException {
            if (holdList) {
                holdList = false;
                listEntered.countDown();
                try {
                    releaseList.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            return List.of();
        }
    }
}
