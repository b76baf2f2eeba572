package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.Releases;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.release.ReleasePruner;
import dev.sortie.release.ReleaseRecord;
import dev.sortie.release.ReleaseStatus;
import dev.sortie.release.Retention;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie releases NAME}: an app's releases, newest first, each with what it is now; {@code show} and {@code prune}. */
@Command(name = "releases", mixinStandardHelpOptions = true,
        description = {"List an app's releases, newest first, with their status now.",
            "Status: live (*), previous (the rollback target), standby, superseded, failed or pruned."},
        subcommands = {ReleasesCommand.Show.class, ReleasesCommand.Prune.class})
final class ReleasesCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Pruned releases listed by default; {@code --all} lists every tombstone kept. */
    private static final int PRUNED_SHOWN = 5;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "The app (required unless a command follows).")
    String name;

    @Option(names = "--all", description = "Also list every pruned release Sortie remembers (by default the newest " + PRUNED_SHOWN + ").")
    boolean all;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (name == null) {
            throw new UserError(ExitCodes.USAGE, "name an app: sortie releases NAME (also: sortie releases show NAME RELEASE,"
                    + " sortie releases prune NAME)");
        }
        Sortie sortie = requireApp(name);
        Releases.Listing listing = new Releases(sortie).list(name);
        PrintWriter out = spec.commandLine().getOut();
        if (listing.releases().isEmpty()) {
            out.println(name + " has no releases yet: push to deploy (git push production " + Homes.deployBranch(sortie, name) + ").");
            return ExitCodes.OK;
        }
        List<Releases.Release> pruned = listing.releases().stream().filter(r -> r.status() == ReleaseStatus.PRUNED).toList();
        List<Releases.Release> hidden = all ? List.of() : pruned.subList(Math.min(PRUNED_SHOWN, pruned.size()), pruned.size());
        out.printf("  %-26s %-10s %-8s %-8s %-12s %5s  %s%n", "RELEASE", "STATUS", "KIND", "COMMIT", "BRANCH", "AGE", "NOTE");
        Instant now = Instant.now();
        for (Releases.Release release : listing.releases()) {
            if (hidden.contains(release)) {
                continue;
            }
            ReleaseRecord r = release.record();
            out.printf("%s %-26s %-10s %-8s %-8s %-12s %5s  %s%n", release.status() == ReleaseStatus.LIVE ? "*" : " ", r.id(),
                    release.status().label(), r.kind(), shortSha(r.commit()), r.branch(), age(r, now), note(release));
        }
        if (!hidden.isEmpty()) {
            out.println("(" + hidden.size() + " older pruned release" + (hidden.size() == 1 ? "" : "s") + " not shown: sortie releases "
                    + name + " --all)");
        }
        if (!listing.instancesKnown()) {
            out.println("(the sortie server is not running, so no instance is known to run: none shows as standby)");
        }
        return ExitCodes.OK;
    }

    private static String note(Releases.Release release) {
        ReleaseRecord r = release.record();
        String note = release.rollbackTarget() ? "rollback target" : "";
        if (r.source() != null) {
            note = join(note, r.kind() + " of " + r.source());
        }
        if (r.failedStep() != null) {
            note = join(note, "failed at " + r.failedStep() + ": " + firstLine(r.reason()));
        } else if (r.reason() != null) {
            note = join(note, firstLine(r.reason()));
        }
        return note;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }

    static Sortie requireApp(String name) {
        Sortie sortie = Homes.sortie();
        Apps.require(new Deploys(sortie), AppName.require(name));
        return sortie;
    }

    /** {@code sortie releases show NAME ID}: everything the record says, and the status now. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one release: commit, kind, steps, hooks, bots, config keys,"
            + " artifact size, outcome and status.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "RELEASE", description = "A release id, or a unique start of one.")
        String id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Releases releases = new Releases(requireApp(name));
            Releases.Release release = releases.show(name, id).orElseThrow(() -> new UserError(ExitCodes.USAGE,
                    name + " has no release " + id + " (or more than one starts so); its releases: sortie releases " + name + " --all"));
            ReleaseRecord r = release.record();
            PrintWriter out = spec.commandLine().getOut();
            row(out, "release", r.id());
            row(out, "status", release.status().label() + (release.rollbackTarget() ? " (the rollback target)" : ""));
            row(out, "kind", r.kind() + (r.source() == null ? "" : " of " + r.source()));
            row(out, "commit", r.commit() + " on " + r.branch());
            row(out, "by", r.by() == null ? "-" : r.by());
            row(out, "started", r.startedAt() == null ? "-" : TIME.format(r.startedAt()) + " UTC, took " + took(r));
            String outcome = r.outcome();
            if (r.failedStep() != null) {
                outcome += " at " + r.failedStep();
            }
            row(out, "outcome", outcome + (r.reason() == null ? "" : ": " + r.reason().strip().replace("\n", "\n" + " ".repeat(11))));
            row(out, "artifact", !release.hasArtifact() ? (r.isLive() ? "pruned" : "removed (failed releases keep only their record and logs)")
                    : r.artifactBytes() > 0 ? bytes(r.artifactBytes()) : "kept (size not recorded)");
            row(out, "config", r.configKeys().isEmpty() ? "no keys" : String.join(", ", r.configKeys()) + " (values never shown)");
            row(out, "hooks", r.hooks().isEmpty() ? "none ran" : String.join(", ", r.hooks()));
            row(out, "bots", r.bots() == null ? "none ran" : r.bots());
            if (r.steps().isEmpty()) {
                row(out, "steps", "none recorded");
            } else {
                row(out, "steps", "");
                for (ReleaseRecord.StepTime s : r.steps()) {
                    out.printf("  %-20s %7.2fs%s%n", s.step(), s.seconds(), s.ok() ? "" : "  failed");
                }
            }
            return ExitCodes.OK;
        }

        private static void row(PrintWriter out, String label, String value) {
            out.printf("%-10s %s%n", label, value).flush();
        }
    }

    /** {@code sortie releases prune NAME [--keep N] [--dry-run]}. */
    @Command(name = "prune", mixinStandardHelpOptions = true, description = {"Apply keep_releases now: remove old releases, their logs,",
        "unused hooks-cache entries and old deploy journals. Never the live release, the rollback target or a standby."})
    static final class Prune implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--keep", paramLabel = "N", description = "Keep the newest N releases that went live (default: the app's keep_releases).")
        Integer keep;

        @Option(names = "--dry-run", description = "Only say what would be removed.")
        boolean dryRun;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (keep != null && keep < 1) {
                throw new UserError(ExitCodes.USAGE, "--keep must be at least 1 (the live release is always kept), not " + keep);
            }
            Releases releases = new Releases(requireApp(name));
            PrintWriter out = spec.commandLine().getOut();
            int n = keep != null ? keep : releases.keepFor(name);
            ReleasePruner.Pruned done = releases.prune(name, keep == null ? OptionalInt.empty() : OptionalInt.of(keep), dryRun,
                    who -> out.printf("waiting for the deploy lock: held by %s%n", who).flush());
            if (done.removed().isEmpty()) {
                out.println("Nothing to prune: " + name + " keeps its newest " + n + " release" + (n == 1 ? "" : "s")
                        + " that went live, the last " + Retention.FAILED_KEPT + " failed ones, and what runs.");
                return ExitCodes.OK;
            }
            String verb = dryRun ? "would remove" : "removed";
            for (ReleasePruner.Removed r : done.removed()) {
                out.printf("%s %s %s (%s)%n", dryRun ? "would remove" : "removed", what(r.what()), r.name(), bytes(r.bytes()));
            }
            out.println(name + ": " + verb + " " + done.of(ReleasePruner.What.RELEASE).size() + " release(s) (keep " + n + "), "
                    + (dryRun ? "would free " : "freed ") + bytes(done.bytes()) + ".");
            return ExitCodes.OK;
        }

        private static String what(ReleasePruner.What what) {
            return switch (what) {
                case RELEASE -> "release";
                case ARTIFACT -> "the artifact of failed release";
                case LOG -> "log";
                case HOOKS -> "hooks-cache entry";
                case JOURNAL -> "deploy journal";
                case LEFTOVER -> "leftover of an interrupted prune";
            };
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", n / (1024.0 * 1024 * 1024));
    }

    private static String took(ReleaseRecord r) {
        return r.finishedAt() == null ? "-" : String.format(Locale.ROOT, "%.1fs", Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0);
    }

    private static String age(ReleaseRecord r, Instant now) {
        Instant at = r.finishedAt() != null ? r.finishedAt() : r.startedAt();
        if (at == null) {
            return "-";
        }
        long s = Math.max(0, Duration.between(at, now).toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172800 ? s / 3600 + "h" : s / 86400 + "d";
    }

    private static String shortSha(String commit) {
        return commit == null ? "-" : commit.substring(0, Math.min(7, commit.length()));
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }
}
