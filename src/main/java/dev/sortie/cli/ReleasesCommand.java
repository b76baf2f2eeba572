package dev.sortie.cli;

import dev.sortie.config.AppName;
import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.release.ReleaseRecord;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie releases NAME}: an app's deploys, newest first, the live one marked. */
@Command(name = "releases", mixinStandardHelpOptions = true, description = "List an app's releases, newest first; * marks the live one.")
final class ReleasesCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Parameters(paramLabel = "NAME")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Sortie sortie = Homes.sortie();
        Apps.require(new Deploys(sortie), AppName.require(name));
        var store = sortie.releases(name);
        List<ReleaseRecord> releases = store.list();
        var out = spec.commandLine().getOut();
        if (releases.isEmpty()) {
            out.println(name + " has no releases yet: push to deploy (git push production " + Homes.deployBranch(sortie, name) + ").");
            return ExitCodes.OK;
        }
        String live = store.currentId().orElse("");
        out.printf("  %-26s %-7s %-8s %-12s %-20s %7s  %s%n", "RELEASE", "OUTCOME", "COMMIT", "BRANCH", "STARTED (UTC)", "TOOK", "NOTE");
        for (ReleaseRecord r : releases) {
            double took = r.startedAt() == null || r.finishedAt() == null ? 0
                    : Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0;
            String note = r.failedStep() != null ? "failed at " + r.failedStep() + ": " + firstLine(r.reason())
                    : r.reason() != null ? firstLine(r.reason()) : "";
            out.printf("%s %-26s %-7s %-8s %-12s %-20s %6.1fs  %s%n", r.id().equals(live) ? "*" : " ", r.id(), r.outcome(),
                    r.commit().substring(0, 7), r.branch(), r.startedAt() == null ? "-" : TIME.format(r.startedAt()), took, note);
        }
        return ExitCodes.OK;
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }
}
