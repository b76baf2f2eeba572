package dev.sortie.steps;

import dev.sortie.release.ReleaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The environment build commands and app instances get: Sortie's JDK first on PATH, then the app's config vars; an
 * instance gets {@code PORT} and the variables Quarkus and Micronaut read it from, and a Spring Boot jar {@code SERVER_PORT}.
 */
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
        // Quarkus and Micronaut read their own variables, never PORT; names no other program uses, so set for every app
        for (String framework : new String[] {"QUARKUS_HTTP_PORT", "MICRONAUT_SERVER_PORT"}) {
            env.putIfAbsent(framework, Integer.toString(port));
        }
        boolean springBoot = ctx.release()
                .map(r -> isSpringBootJar(r.run(), r.dir().resolve(ReleaseStore.APP_DIR)))
                .orElse(false);
        if (springBoot && !ctx.appEnv().containsKey("SERVER_PORT")) {
            // Spring Boot reads SERVER_PORT, never PORT: without it the app would listen on 8080
            env.put("SERVER_PORT", Integer.toString(port));
        }
        return env;
    }

    /** Whether {@code run} starts a jar ({@code java -jar FILE}) whose manifest names a Spring Boot version. */
    static boolean isSpringBootJar(List<String> run, Path workDir) {
        int jar = run.indexOf("-jar");
        if (jar < 0 || jar + 1 >= run.size()) {
            return false;
        }
        Path file = workDir.resolve(run.get(jar + 1));
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (JarFile jarFile = new JarFile(file.toFile())) {
            Manifest manifest = jarFile.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Spring-Boot-Version") != null;
        } catch (IOException e) {
            return false;
        }
    }
}
