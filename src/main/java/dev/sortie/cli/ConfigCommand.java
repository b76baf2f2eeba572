package dev.sortie.cli;

import dev.sortie.app.ConfigVars;
import dev.sortie.app.Deploys;
import dev.sortie.config.AppName;
import dev.sortie.release.EnvFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sortie config}: an app's config vars; a change is deployed as a new release, without a rebuild. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change an app's config vars (its environment, as on Heroku).",
            "A change makes a new release of the live release's files with the new environment: no rebuild, zero dropped",
            "requests, the usual step output. Every release keeps its own snapshot, so a rollback restores the config too."},
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Unset.class, ConfigCommand.Get.class})
final class ConfigCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", arity = "0..1", description = "The app whose config vars to list.")
    String name;

    @Option(names = "--show", description = "Show the values too (they are masked by default).")
    boolean show;

    @Override
    public Integer call() throws Exception {
        if (name == null) {
            throw new UserError(ExitCodes.USAGE, "which app? sortie config NAME lists its vars; sortie config set NAME KEY=VALUE sets one");
        }
        Map<String, String> vars = new ConfigVars(Homes.sortie()).list(AppName.require(name));
        if (vars.isEmpty()) {
            System.out.println(name + " has no config vars. Set one: sortie config set " + name + " KEY=VALUE");
            return ExitCodes.OK;
        }
        int width = vars.keySet().stream().mapToInt(String::length).max().orElse(0);
        vars.forEach((k, v) -> System.out.printf("%-" + width + "s  %s%n", k, show ? v : mask(v)));
        return ExitCodes.OK;
    }

    /** Enough to tell two values apart at a glance, never enough to read one. */
    static String mask(String value) {
        return value.isEmpty() ? "(empty)" : "****** (" + value.length() + (value.length() == 1 ? " char)" : " chars)");
    }

    static String render(String app, ConfigVars.Change change, String doing) {
        if (change.changed().isEmpty()) {
            return "No change to " + app + "'s config; nothing to deploy.";
        }
        return doing + " " + String.join(", ", change.changed()) + " of " + app + ".";
    }

    static int follow(String app, ConfigVars.Change change, boolean deploy) throws Exception {
        if (change.warning() != null) {
            System.out.println(change.warning());
        }
        if (change.deployId().isPresent()) {
            return new DeployRunner(new Deploys(Homes.sortie()), System.out).follow(app, change.deployId().get());
        }
        if (!change.changed().isEmpty()) {
            System.out.println(deploy ? "No release of " + app + " is live yet: the next deploy starts with this config."
                    : "Kept for the next deploy (--no-deploy). Deploy it now: sortie restart " + app + " runs the live release"
                    + " with its own config; a push or sortie deploy " + app + " takes this one.");
        }
        return ExitCodes.OK;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set config vars and deploy the change (a release of kind config), unless --no-deploy.")
    static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE")
        List<String> pairs;

        @Option(names = "--no-deploy", description = "Only store the change; the next deploy takes it.")
        boolean noDeploy;

        @Override
        public Integer call() throws Exception {
            String app = AppName.require(name);
            Map<String, String> vars = new LinkedHashMap<>();
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UserError(ExitCodes.USAGE, "expected KEY=VALUE, got '" + (eq == 0 ? pair : pair.split("=", 2)[0])
                            + "' (e.g. sortie config set " + app + " DATABASE_URL=postgres://db/shop)");
                }
                vars.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            ConfigVars.Change change;
            try {
                change = new ConfigVars(Homes.sortie()).set(app, vars, !noDeploy, Apps.user());
            } catch (EnvFile.Invalid e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage() + "; nothing was changed");
            }
            System.out.println(render(app, change, "Set"));
            return follow(app, change, !noDeploy);
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true,
            description = "Remove config vars and deploy the change, unless --no-deploy.")
    static final class Unset implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY")
        List<String> keys;

        @Option(names = "--no-deploy", description = "Only store the change; the next deploy takes it.")
        boolean noDeploy;

        @Override
        public Integer call() throws Exception {
            String app = AppName.require(name);
            ConfigVars.Change change;
            try {
                change = new ConfigVars(Homes.sortie()).unset(app, keys, !noDeploy, Apps.user());
            } catch (EnvFile.Invalid e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage() + "; nothing was changed");
            }
            System.out.println(render(app, change, "Removed"));
            return follow(app, change, !noDeploy);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one config var's value (exit 1 when it is not set).")
    static final class Get implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws Exception {
            try {
                Optional<String> value = new ConfigVars(Homes.sortie()).get(AppName.require(name), key);
                if (value.isEmpty()) {
                    System.err.println(key + " is not set for " + name + " (see: sortie config " + name + ")");
                    return ExitCodes.FAILED;
                }
                System.out.println(value.get());
                return ExitCodes.OK;
            } catch (EnvFile.Invalid e) {
                throw new UserError(ExitCodes.USAGE, e.getMessage());
            }
        }
    }
}
