package dev.sortie.config;

import java.nio.file.FileSystems;
import java.util.List;

/** Checks what the YAML types alone cannot: branch names, paths, argv lists, domains. */
final class AppConfigValidator {

    private AppConfigValidator() {
    }

    static void validate(AppConfig c, String source) {
        if (!c.branch().matches("[A-Za-z0-9._/-]{1,100}") || c.branch().contains("..") || c.branch().startsWith("/")) {
            throw new ConfigException(source + ": branch: " + Quote.of(c.branch()) + " is not a branch name");
        }
        argv(c.steps().deps(), source, "steps.deps", true);
        argv(c.steps().compile(), source, "steps.compile", true);
        argv(c.steps().packaging(), source, "steps.package", true);
        argv(c.run(), source, "run", false);
        if (c.artifact() != null) {
            relativePath(c.artifact(), source, "artifact");
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + c.artifact());
            } catch (IllegalArgumentException e) { // PatternSyntaxException among them
                throw new ConfigException(source + ": artifact: " + Quote.of(c.artifact())
                        + " is not a valid glob (e.g. target/*.jar): " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        for (int i = 0; i < c.files().size(); i++) {
            relativePath(c.files().get(i), source, "files[" + i + "]");
        }
        String path = c.healthcheck().path();
        if (!path.startsWith("/") || !path.chars().allMatch(ch -> ch > ' ' && ch < 0x7f)) {
            throw new ConfigException(source + ": healthcheck.path: " + Quote.of(path)
                    + " must be a URL path starting with / (e.g. /health)");
        }
        if (c.healthcheck().timeout().isZero() || c.healthcheck().timeout().isNegative()) {
            throw new ConfigException(source + ": healthcheck.timeout: must be longer than 0s");
        }
        relativePath(c.hooks().file(), source, "hooks.file");
        if (!c.hooks().file().endsWith(".java")) {
            throw new ConfigException(source + ": hooks.file: " + Quote.of(c.hooks().file()) + " must be a .java file");
        }
        if (c.hooks().timeout().isZero() || c.hooks().timeout().isNegative()) {
            throw new ConfigException(source + ": hooks.timeout: must be longer than 0s");
        }
        BotsConfig bots = c.bots();
        if (bots.tree() != null && (bots.tree().isBlank() || bots.tree().indexOf('\0') >= 0)) {
            throw new ConfigException(source + ": bots.tree: must name a YAML file, a Java file or directory, or a tree class");
        }
        if (bots.tree() != null && bots.tree().contains("/")) {
            relativePath(bots.tree(), source, "bots.tree");
        }
        if (bots.count() < 1 || bots.count() > 10_000) {
            throw new ConfigException(source + ": bots.count: must be between 1 and 10000, got " + bots.count());
        }
        if (bots.botTimeout().isZero() || bots.botTimeout().isNegative()) {
            throw new ConfigException(source + ": bots.bot_timeout: must be longer than 0s");
        }
        if (bots.timeout().isZero() || bots.timeout().isNegative()) {
            throw new ConfigException(source + ": bots.timeout: must be longer than 0s");
        }
        for (int i = 0; i < c.domains().size(); i++) {
            DomainName.require(c.domains().get(i), source + ": domains[" + i + "]");
        }
    }

    private static void argv(List<String> argv, String source, String key, boolean emptyAllowed) {
        if (argv == null) {
            return;
        }
        if (argv.isEmpty() && !emptyAllowed) {
            throw new ConfigException(source + ": " + key + ": needs at least a program, e.g. [java, -jar, app.jar]");
        }
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new ConfigException(source + ": " + key + "[" + i + "]: empty or contains a NUL byte");
            }
        }
        if (!argv.isEmpty() && argv.getFirst().isBlank()) {
            throw new ConfigException(source + ": " + key + "[0]: the program name is blank");
        }
    }

    private static void relativePath(String p, String source, String key) {
        if (p.isBlank() || p.startsWith("/") || List.of(p.split("/")).contains("..") || p.indexOf('\0') >= 0) {
            throw new ConfigException(source + ": " + key + ": " + Quote.of(p)
                    + " must be a path inside the project (relative, no ..)");
        }
    }
}
