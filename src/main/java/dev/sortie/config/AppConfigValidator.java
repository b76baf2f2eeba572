package dev.sortie.config;

import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** Checks what the YAML types alone cannot: branch names, paths, argv lists, domains, ranges; every problem is collected. */
final class AppConfigValidator {

    static final int MOST_INSTANCES = 32;
    static final Duration LONGEST_PROXY_TIMEOUT = Duration.ofHours(1);
    private static final Pattern NGINX_SIZE = Pattern.compile("[0-9]{1,6}[kKmMgG]?");

    private AppConfigValidator() {
    }

    static void validate(AppConfig c, Problems p) {
        if (!c.branch().matches("[A-Za-z0-9._/-]{1,100}") || c.branch().contains("..") || c.branch().startsWith("/")) {
            p.add("branch", Quote.of(c.branch()) + " is not a branch name");
        }
        argv(c.steps().deps(), p, "steps.deps", true);
        argv(c.steps().compile(), p, "steps.compile", true);
        argv(c.steps().packaging(), p, "steps.package", true);
        argv(c.run(), p, "run", false);
        if (c.artifact() != null && relativePath(c.artifact(), p, "artifact")) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + c.artifact());
            } catch (IllegalArgumentException e) { // PatternSyntaxException among them
                p.add("artifact", Quote.of(c.artifact()) + " is not a valid glob (e.g. target/*.jar): "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        for (int i = 0; i < c.files().size(); i++) {
            relativePath(c.files().get(i), p, "files[" + i + "]");
        }
        String path = c.healthcheck().path();
        if (!path.startsWith("/") || !path.chars().allMatch(ch -> ch > ' ' && ch < 0x7f)) {
            p.add("healthcheck.path", Quote.of(path) + " must be a URL path starting with / (e.g. /health)");
        }
        positive(c.healthcheck().timeout(), p, "healthcheck.timeout");
        if (relativePath(c.hooks().file(), p, "hooks.file") && !c.hooks().file().endsWith(".java")) {
            p.add("hooks.file", Quote.of(c.hooks().file()) + " must be a .java file");
        }
        positive(c.hooks().timeout(), p, "hooks.timeout");
        bots(c.bots(), p);
        for (int i = 0; i < c.domains().size(); i++) {
            String problem = DomainName.problem(c.domains().get(i));
            if (problem != null) {
                p.add("domains[" + i + "]", Quote.of(c.domains().get(i)) + " " + problem);
            }
        }
        if (c.instances() < 1 || c.instances() > MOST_INSTANCES) {
            p.add("instances", "must be between 1 and " + MOST_INSTANCES + ", got " + c.instances());
        }
        // standby: any duration the parser gives is >= 0, and 0s means "no standby"
        nginx(c.nginx(), p);
        if ("auto".equals(c.tls())) {
            for (int i = 0; i < c.domains().size(); i++) {
                if (c.domains().get(i).startsWith("*.")) {
                    p.add("domains[" + i + "]", Quote.of(c.domains().get(i)) + " is a wildcard, and tls: auto proves each domain over "
                            + "HTTP-01, which cannot prove a wildcard; name the hosts, or give the server a certificate (tls: in the "
                            + "server's sortie.yml)");
                }
            }
        }
    }

    private static void bots(BotsConfig bots, Problems p) {
        if (bots.tree() != null && (bots.tree().isBlank() || bots.tree().indexOf('\0') >= 0)) {
            p.add("bots.tree", "must name a YAML file, a Java file or directory, or a tree class");
        } else if (bots.tree() != null && bots.tree().contains("/")) {
            relativePath(bots.tree(), p, "bots.tree");
        }
        if (bots.count() < 1 || bots.count() > 10_000) {
            p.add("bots.count", "must be between 1 and 10000, got " + bots.count());
        }
        positive(bots.botTimeout(), p, "bots.bot_timeout");
        positive(bots.timeout(), p, "bots.timeout");
    }

    private static void nginx(NginxOptions n, Problems p) {
        if (n.clientMaxBodySize() != null && !NGINX_SIZE.matcher(n.clientMaxBodySize()).matches()) {
            p.add("nginx.client_max_body_size", Quote.of(n.clientMaxBodySize())
                    + " is not an nginx size: up to 6 digits and an optional k, m or g (e.g. 512k, 10m, 1g; 0 means no limit)");
        }
        proxyTimeout(n.proxyConnectTimeout(), p, "nginx.proxy_connect_timeout");
        proxyTimeout(n.proxyReadTimeout(), p, "nginx.proxy_read_timeout");
        proxyTimeout(n.proxySendTimeout(), p, "nginx.proxy_send_timeout");
        if (n.include() != null && relativePath(n.include(), p, "nginx.include") && !n.include().endsWith(".conf")) {
            p.add("nginx.include", Quote.of(n.include()) + " must be a .conf file");
        }
    }

    private static void proxyTimeout(Duration d, Problems p, String key) {
        if (d != null && positive(d, p, key) && d.compareTo(LONGEST_PROXY_TIMEOUT) > 0) {
            p.add(key, "must be at most " + Durations.format(LONGEST_PROXY_TIMEOUT) + ", got " + Durations.format(d));
        }
    }

    private static boolean positive(Duration d, Problems p, String key) {
        if (d.isZero() || d.isNegative()) {
            p.add(key, "must be longer than 0s");
            return false;
        }
        return true;
    }

    private static void argv(List<String> argv, Problems p, String key, boolean emptyAllowed) {
        if (argv == null) {
            return;
        }
        if (argv.isEmpty() && !emptyAllowed) {
            p.add(key, "needs at least a program, e.g. [java, -jar, app.jar]");
        }
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg == null || arg.indexOf('\0') >= 0) {
                p.add(key + "[" + i + "]", "empty or contains a NUL byte");
            }
        }
        if (!argv.isEmpty() && argv.getFirst() != null && argv.getFirst().isBlank()) {
            p.add(key + "[0]", "the program name is blank");
        }
    }

    /** True when {@code path} is relative and stays inside the project; else a problem. */
    private static boolean relativePath(String path, Problems p, String key) {
        if (path.isBlank() || path.startsWith("/") || List.of(path.split("/")).contains("..") || path.indexOf('\0') >= 0) {
            p.add(key, Quote.of(path) + " must be a path inside the project (relative, no ..)");
            return false;
        }
        return true;
    }
}
