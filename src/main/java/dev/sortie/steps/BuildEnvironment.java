package dev.sortie.steps;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment build commands and app instances get: Sortie's JDK first on PATH, then the app's config vars. */
public final class BuildEnvironment {

    private BuildEnvironment() {
    }

    /** For build commands: added on top of Sortie's own environment. */
    public static Map<String, String> forBuild(DeployContext ctx) {
        Map<String, String> env = new HashMap<>();
        Path jdk = ctx.appEnv().containsKey("JAVA_HOME") ? Path.of(ctx.appEnv().get("JAVA_HOME")) : ctx.jdkHome();
        env.put("JAVA_HOME", jdk.toString());
        env.put("PATH", jdk.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (jdk.equals(ctx.jdkHome()) && Runtime.version().feature() >= 24) {
            // Maven 3.8/3.9's bundled Guava trips JDK 24+'s sun.misc.Unsafe warnings on every build; they mean nothing to the pusher
            env.put("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow");
        }
        env.putAll(ctx.appEnv());
        env.put("SORTIE_APP", ctx.app());
        env.put("SORTIE_RELEASE", ctx.releaseId());
        env.put("SORTIE_COMMIT", ctx.commit());
        return env;
    }

    /** For an app instance: the whole environment, nothing inherited from the daemon. */
    static Map<String, String> forInstance(DeployContext ctx, int port) {
        Map<String, String> env = new HashMap<>();
        for (String keep : new String[] {"HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ"}) {
            String value = System.getenv(keep);
            if (value != null) {
                env.put(keep, value);
            }
        }
        env.putAll(forBuild(ctx));
        env.put("PORT", Integer.toString(port));
        return env;
    }
}
