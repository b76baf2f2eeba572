package dev.sortie.steps;

import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Runs the package command, then finds the one runnable artifact it produced. */
public final class PackageStep extends BuildCommandStep {

    public PackageStep() {
        super(StepId.PACKAGE);
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        String summary = super.run(ctx, output).summary();
        Optional<String> glob = Optional.ofNullable(ctx.config().artifact())
                .or(() -> BuildSystem.detect(ctx.buildDir()).artifactGlob());
        if (glob.isEmpty()) {
            return StepResult.of(summary);
        }
        Path artifact = find(ctx.buildDir(), glob.get(), ctx.config().artifact() != null);
        return StepResult.of(summary + " -> " + ctx.buildDir().relativize(artifact), new StepOutput.Packaged(artifact));
    }

    /** The files matching the glob; with several jars, the one with a Main-Class wins, and plain jars beat sources/javadoc/original. */
    static Path find(Path buildDir, String glob, boolean configured) throws StepFailure {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> matches;
        try (Stream<Path> walk = Files.walk(buildDir, 4)) {
            matches = walk.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(buildDir.relativize(p)))
                    .filter(p -> configured || !isSideArtifact(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new StepFailure("cannot look for the artifact: " + e.getMessage());
        }
        if (matches.isEmpty()) {
            throw new StepFailure("the package step produced no file matching " + glob
                    + (configured ? " (artifact: in sortie.yml)" : "; set artifact: in sortie.yml to say where it is"));
        }
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        List<Path> runnable = matches.stream().filter(PackageStep::hasMainClass).toList();
        if (runnable.size() == 1) {
            return runnable.getFirst();
        }
        throw new StepFailure("the package step produced " + matches.size() + " files matching " + glob + ": "
                + matches.stream().map(p -> buildDir.relativize(p).toString()).toList()
                + "; set artifact: in sortie.yml to pick one");
    }

    private static boolean isSideArtifact(String name) {
        return name.startsWith("original-") || name.endsWith("-sources.jar") || name.endsWith("-javadoc.jar")
                || name.endsWith("-tests.jar") || name.endsWith("-plain.jar");
    }

    private static boolean hasMainClass(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Main-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
