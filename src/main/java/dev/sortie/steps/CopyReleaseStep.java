package dev.sortie.steps;

import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Fills the staging dir (the artifact and declared files, or the whole checkout when nothing was
 * packaged), decides the run command, then renames the dir to {@code releases/<id>}: complete
 * before anything points at it.
 */
public final class CopyReleaseStep implements Step<DeployContext> {

    @Override
    public StepId id() {
        return StepId.COPY_RELEASE;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        ReleaseStore store = ctx.services().releases();
        Path appDir = store.staging(ctx.releaseId()).resolve(ReleaseStore.APP_DIR);
        long bytes = 0;
        int items = 0;
        try {
            if (ctx.artifact().isPresent()) {
                Path artifact = ctx.artifact().get();
                Path real = artifact.startsWith(ctx.buildDir())
                        ? insideCheckout(ctx.buildDir(), ctx.buildDir().relativize(artifact).toString(), "the artifact ") : artifact;
                bytes += DirTree.copy(real, appDir.resolve(artifact.getFileName().toString()));
                items++;
                for (String file : ctx.config().files()) {
                    Path source = insideCheckout(ctx.buildDir(), file, "files: ");
                    try {
                        bytes += DirTree.copy(source, appDir.resolve(ctx.buildDir().normalize().relativize(
                                ctx.buildDir().resolve(file).normalize()).toString()));
                    } catch (DirTree.LinkLeavesTree e) {
                        throw new StepFailure("files: " + file + ": " + e.link() + " is a symlink to " + e.target() + ", outside "
                                + file + "; Sortie copies links only when they point inside what it copies (make the link"
                                + " relative, or list what it points to under files:)");
                    }
                    items++;
                }
            } else {
                try {
                    bytes += DirTree.copy(ctx.buildDir(), appDir);
                } catch (DirTree.LinkLeavesTree e) {
                    throw new StepFailure(e.link() + " is a symlink to " + e.target() + ", outside the checkout; Sortie copies"
                            + " links only when they point inside it (put what it points to in the repo, or make it at start)");
                }
                items = -1;
            }
        } catch (IOException e) {
            throw new StepFailure("cannot copy the release: " + e);
        }
        Optional<String> procfile = readProcfile(ctx.buildDir());
        RunCommand.Choice run = RunCommand.choose(ctx.config().run(), procfile,
                ctx.artifact().map(a -> a.getFileName().toString()))
                .orElseThrow(() -> new StepFailure("nothing says how to start this app: add run: to sortie.yml "
                        + "(e.g. run: [java, Server.java]), a Procfile web: line, or build a jar"));
        Path dir;
        try {
            dir = store.publish(ctx.releaseId());
        } catch (IOException e) {
            throw new StepFailure("cannot move the release into place: " + e);
        }
        String what = items < 0 ? "whole checkout" : items == 1 ? ctx.artifact().get().getFileName().toString() : items + " items";
        return StepResult.of(String.format(Locale.ROOT, "%s, %.1f MB; run: %s (%s)", what, bytes / 1e6, String.join(" ", run.argv()),
                run.source()), new StepOutput.ReleaseCopied(dir, run.argv()));
    }

    /**
     * Where a {@code files:} entry really is: its path with every symlink followed, at every level, which must stay inside
     * the checkout's own real path.
     */
    static Path insideCheckout(Path checkout, String file, String what) throws StepFailure {
        Path lexical = checkout.resolve(file).normalize();
        if (Path.of(file).isAbsolute() || !lexical.startsWith(checkout.normalize()) || lexical.equals(checkout.normalize())) {
            throw new StepFailure(what + file + " is not a path inside the checkout (sortie.yml files: lists paths like "
                    + "config/ or static/logo.png)");
        }
        if (!Files.exists(lexical, LinkOption.NOFOLLOW_LINKS)) {
            throw new StepFailure(what + file + " does not exist in the build (sortie.yml files:)");
        }
        try {
            Path root = checkout.toRealPath();
            Path real;
            try {
                real = lexical.toRealPath();
            } catch (NoSuchFileException e) {
                throw new StepFailure(what + file + " is a symlink to nothing (" + Files.readSymbolicLink(lexical) + ")");
            }
            if (!real.startsWith(root)) {
                throw new StepFailure(what + file + " leads outside the checkout, to " + real
                        + " (through a symlink); Sortie copies only what is in the checkout");
            }
            return real;
        } catch (IOException e) {
            throw new StepFailure("cannot read " + what + file + ": " + e);
        }
    }

    private static Optional<String> readProcfile(Path buildDir) throws StepFailure {
        Path procfile = buildDir.resolve("Procfile");
        if (!Files.isRegularFile(procfile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(procfile));
        } catch (IOException e) {
            throw new StepFailure("cannot read Procfile: " + e);
        }
    }
}
