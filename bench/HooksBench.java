import dev.sortie.hooks.runtime.HookCache;
import dev.sortie.hooks.runtime.ProjectHooks;
import dev.sortie.pipeline.StepId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What hook handling costs a deploy, as a deploy pays it (one fresh JVM per push):
 *   java -cp target/sortie.jar bench/HooksBench.java MODE CACHE_DIR
 * MODE: cold (compile + load, first in this JVM), cached (load from an existing cache entry),
 * warm (compile + load, repeated in one JVM), none (the check when there is no UpgradeHooks.java).
 */
public class HooksBench {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path cacheDir = Path.of(args[1]);
        Path project = Files.createDirectories(cacheDir.resolveSibling("project"));
        Path source = project.resolve("UpgradeHooks.java");
        Files.writeString(source, hooksSource(args.length > 2 ? args[2] : ""));
        switch (mode) {
            case "cold", "cached" -> {
                long t = System.nanoTime();
                var entry = new HookCache(cacheDir).get(source, "UpgradeHooks.java");
                ProjectHooks hooks = ProjectHooks.load(entry, StepId.ids());
                long ns = System.nanoTime() - t;
                System.out.printf("%s %.1f ms (%d hooks, cached=%s)%n", mode, ns / 1e6, hooks.names().size(), entry.cached());
            }
            case "warm" -> {
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    Files.writeString(source, hooksSource("v" + i));
                    long t = System.nanoTime();
                    ProjectHooks.load(new HookCache(cacheDir).get(source, "UpgradeHooks.java"), StepId.ids());
                    times.add(System.nanoTime() - t);
                }
                Collections.sort(times);
                System.out.printf("warm median %.1f ms over %d compiles in one JVM%n", times.get(times.size() / 2) / 1e6, times.size());
            }
            case "none" -> {
                Path missing = project.resolve("NoSuchHooks.java");
                int n = 100_000;
                boolean any = false;
                long t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    any |= Files.isRegularFile(missing);
                }
                System.out.printf("none %.2f us per deploy (the file check; %s)%n", (System.nanoTime() - t) / 1e3 / n, any);
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** About 100 lines: every hook, with a little real work in a few. */
    static String hooksSource(String variant) {
        StringBuilder sb = new StringBuilder("""
                import dev.sortie.hooks.DeployEnv;
                import dev.sortie.hooks.HookException;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.ArrayList;
                import java.util.List;
                import java.util.Map;

                /** Benchmark hooks, variant %s. */
                public class UpgradeHooks {
                    private final List<String> seen = new ArrayList<>();

                    private void note(DeployEnv env, String hook) {
                        seen.add(hook);
                        if (env.config().containsKey("VERBOSE")) {
                            env.log(hook + " for " + env.app() + " " + env.releaseId());
                        }
                    }

                    private static void require(Path file) {
                        if (!Files.exists(file)) {
                            throw new HookException(file + " is missing");
                        }
                    }
                """.formatted(variant));
        for (String step : StepId.ids()) {
            for (String when : List.of("before_", "after_")) {
                sb.append("    public void ").append(when).append(step).append("(DeployEnv env) {\n")
                        .append("        note(env, \"").append(when).append(step).append("\");\n")
                        .append("    }\n\n");
            }
        }
        sb.append("""
                    public void on_failure(DeployEnv env, String stepId, Throwable error) {
                        Map<String, String> summary = Map.of("step", stepId, "error", String.valueOf(error.getMessage()));
                        env.log("deploy failed: " + summary + " after " + seen);
                    }
                }
                """);
        return sb.toString();
    }
}
