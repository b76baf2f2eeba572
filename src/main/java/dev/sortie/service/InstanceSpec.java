package dev.sortie.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything needed to start one instance of one release. {@code env} is the whole environment
 * the process gets: nothing leaks in from whoever started the daemon. {@code user}, when set, is the
 * Unix user the process runs as (the app's own, in the system install); null: the supervisor's.
 */
public record InstanceSpec(
        String app,
        String release,
        String workDir,
        List<String> argv,
        Map<String, String> env,
        int port,
        String logFile,
        String user) {

    public InstanceSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** An instance that runs as the supervisor's own user. */
    public InstanceSpec(String app, String release, String workDir, List<String> argv, Map<String, String> env, int port, String logFile) {
        this(app, release, workDir, argv, env, port, logFile, null);
    }

    public String key() {
        return app + "/" + release;
    }

    /** Environment variables Sortie itself sets, whose values are no secret. */
    private static final Set<String> NOT_SECRET = Set.of("PORT", "SERVER_PORT", "QUARKUS_HTTP_PORT", "MICRONAUT_SERVER_PORT", "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
            "TZ", "JAVA_HOME", "MAVEN_OPTS", "SORTIE_APP", "SORTIE_RELEASE", "SORTIE_COMMIT");

    /** The argv as logs may show it: wherever a config value was expanded into it, the variable's name instead. */
    public List<String> shownArgv() {
        return masked(argv, env);
    }

    /**
     * {@code argv} with every value of {@code env} (but Sortie's own variables) replaced by {@code ${NAME}}: a
     * whole argument always, inside an argument when the value is 4 characters or more (shorter ones would
     * mask unrelated text).
     */
    public static List<String> masked(List<String> argv, Map<String, String> env) {
        return masked(argv, env, 4);
    }

    /** As {@link #masked(List, Map)}, masking inside an argument only values of {@code minLength} characters or more. */
    public static List<String> masked(List<String> argv, Map<String, String> env, int minLength) {
        List<Map.Entry<String, String>> secrets = env.entrySet().stream()
                .filter(e -> !NOT_SECRET.contains(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty())
                .sorted(Comparator.comparing((Map.Entry<String, String> e) -> e.getValue().length()).reversed())
                .toList();
        List<String> out = new ArrayList<>(argv.size());
        for (String arg : argv) {
            String shown = arg;
            for (Map.Entry<String, String> e : secrets) {
                if (shown.equals(e.getValue())) {
                    shown = "${" + e.getKey() + "}";
                } else if (e.getValue().length() >= minLength) {
                    shown = shown.replace(e.getValue(), "${" + e.getKey() + "}");
                }
            }
            out.add(shown);
        }
        return out;
    }
}
