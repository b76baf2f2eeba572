package dev.sortie.fleet;

import dev.sortie.config.FleetConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks before a fleet deploy's first step: every host answers over SSH (batch mode, strict host keys) and runs
 * the same Sortie version as the primary. All hosts are asked at once; any refusal fails the deploy before anything is
 * built or shipped, naming the host.
 */
public final class FleetCheck {

    /** One host's answer. */
    public sealed interface Result {
        FleetConfig.Host host();
    }

    public record Ready(FleetConfig.Host host, String version) implements Result {
    }

    public record Refused(FleetConfig.Host host, String problem) implements Result {

        public String line() {
            return host.name() + " (" + host.ssh() + "): " + problem;
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("^sortie (\\S+) \\(Java .*\\)$");

    private FleetCheck() {
    }

    /** The version this Sortie runs, as {@code sortie --version} prints it on every host. */
    public static String localVersion() {
        String v = FleetCheck.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Asks every host, in parallel, for {@code sortie --version}. */
    public static List<Result> check(FleetConfig fleet, String version) throws IOException, InterruptedException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Result>> answers = new ArrayList<>();
            for (FleetConfig.Host host : fleet.hosts()) {
                answers.add(pool.submit(() -> classify(host, fleet, RemoteRun.run(SshArgv.ssh(fleet, host, List.of("--version")), TIMEOUT,
                        line -> { }), version)));
            }
            List<Result> out = new ArrayList<>();
            for (Future<Result> f : answers) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    throw new IOException("fleet check failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        }
    }

    /** What an ssh run of {@code sortie --version} says about the host (pure: ssh's exit code and output). */
    static Result classify(FleetConfig.Host host, FleetConfig fleet, RemoteRun.Ran ran, String version) {
        String text = ran.text();
        String knownHosts = fleet.knownHosts() == null ? "your known_hosts" : fleet.knownHosts();
        if (ran.exit() == -1) {
            return new Refused(host, "did not answer within " + TIMEOUT.toSeconds() + "s over SSH");
        }
        if (text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
            return new Refused(host, "its host key does not match " + knownHosts + " (ssh: REMOTE HOST IDENTIFICATION HAS CHANGED);"
                    + " if the host was reinstalled, check its new key and replace its line");
        }
        if (text.contains("Host key verification failed")) {
            return new Refused(host, "its host key is not in " + knownHosts + " (ssh: " + firstLine(text, "host key") + "); add its key"
                    + " (checked, e.g. with ssh-keyscan from a trusted network) to known_hosts");
        }
        if (ran.exit() == 255 && text.contains("Permission denied")) {
            return new Refused(host, "refused our SSH key (ssh: " + firstLine(text, "Permission denied") + "); add the primary's key there"
                    + " as an admin key: sortie ssh-keys add NAME --admin < KEY.pub");
        }
        if (ran.exit() == 255) {
            return new Refused(host, "unreachable over SSH (ssh: " + ran.last() + ")");
        }
        if (text.contains("sortie: refused for key")) {
            return new Refused(host, "does not let our key run Sortie commands (" + ran.last() + "); give it --admin there");
        }
        Matcher m = VERSION.matcher(ran.lines().isEmpty() ? "" : ran.lines().getFirst());
        if (ran.exit() != 0 || !m.matches()) {
            return new Refused(host, "Sortie is missing there: sortie --version exited with " + ran.exit() + " (" + ran.last()
                    + "); install it there (install.sh --system)");
        }
        if (!m.group(1).equals(version)) {
            return new Refused(host, "runs Sortie " + m.group(1) + ", this primary runs " + version + ": install the same version on"
                    + " every host first");
        }
        return new Ready(host, m.group(1));
    }

    private static String firstLine(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).findFirst().orElse(text.lines().findFirst().orElse("")).strip();
    }
}
