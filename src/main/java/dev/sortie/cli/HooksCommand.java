package dev.sortie.cli;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ConfigLoader;
import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.hooks.runtime.HookCompileException;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.pipeline.StepId;
import dev.sortie.steps.DirTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie hooks}: write and check a project's UpgradeHooks.java before pushing it. */
@Command(name = "hooks", mixinStandardHelpOptions = true,
        description = "Write and check a project's UpgradeHooks.java (before_<step>/after_<step> methods run around each deploy step).",
        subcommands = {HooksCommand.Init.class, HooksCommand.Check.class})
final class HooksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Write a commented UpgradeHooks.java listing every hook into DIR.")
    static final class Init implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", defaultValue = ".", description = "The project's root (default: the current directory).")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path file = dir.resolve("UpgradeHooks.java");
            if (Files.exists(file)) {
                throw new UserError(ExitCodes.CONFIG, file + " already exists; not overwriting it");
            }
            try (InputStream in = HooksCommand.class.getResourceAsStream("/sortie/templates/UpgradeHooks.java")) {
                if (in == null) {
                    throw new IllegalStateException("templates/UpgradeHooks.java is missing from the Sortie build");
                }
                Files.write(file, in.readAllBytes());
            }
            spec.commandLine().getOut().println("Wrote " + file + ": delete the hooks you do not need, then check it: sortie hooks check "
                    + dir);
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compile and validate a project's hooks, with the messages a push would show.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", defaultValue = ".", description = "The project's root (default: the current directory).")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            var out = spec.commandLine().getOut();
            Path yml = dir.resolve(AppConfig.FILE_NAME);
            AppConfig config = Files.isRegularFile(yml) ? ConfigLoader.parseApp(Files.readString(yml), AppConfig.FILE_NAME) : AppConfig.defaults();
            Path source = dir.resolve(config.hooks().file());
            if (!Files.isRegularFile(source)) {
                out.println("No " + config.hooks().file() + " in " + dir.toAbsolutePath().normalize()
                        + ": this project has no hooks (write one: sortie hooks init).");
                return ExitCodes.OK;
            }
            Path tmp = Files.createTempDirectory("sortie-hooks-check");
            try {
                ProjectHooks hooks = ProjectHooks.load(new HookCache(tmp).get(source, config.hooks().file()), StepId.ids());
                out.println(config.hooks().file() + " is fine: " + (hooks.names().isEmpty() ? "no hooks" : String.join(", ", hooks.names())) + ".");
                return ExitCodes.OK;
            } catch (HookCompileException e) {
                var err = spec.commandLine().getErr();
                err.println(e.getMessage());
                e.details().forEach(l -> err.println("  " + l));
                return ExitCodes.CONFIG;
            } finally {
                DirTree.delete(tmp);
            }
        }
    }
}
