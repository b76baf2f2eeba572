package dev.sortie.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.FreePort;
import dev.sortie.testing.TinyServerJar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An instance's environment, checked by starting a real jar with it. */
@Timeout(60)
class BuildEnvironmentTest {

    @TempDir
    Path tmp;

    private DeployContext context(Path releaseDir, List<String> run, Map<String, String> appEnv) {
        SortieHome home = new SortieHome(tmp.resolve("home"));
        DeployContext ctx = new DeployContext(new DeployFacts(home, "boot", AppConfig.defaults(), ServerConfig.defaults(), "a".repeat(40),
                "main", "20261121-120000-aaaaaaa", tmp.resolve("build"), Optional.empty(), appEnv, Path.of(System.getProperty("java.home"))),
                new DeployContext.Services(null, null, null), WorldChanges.NONE);
        ctx.put(new StepOutput.ReleaseCopied(releaseDir, run));
        return ctx;
    }

    private Path release(Map<String, String> manifest) throws IOException {
        Path appDir = Files.createDirectories(tmp.resolve("release").resolve(ReleaseStore.APP_DIR));
        TinyServerJar.write(appDir.resolve("app.jar"), manifest);
        return appDir.getParent();
    }

    @Test
    void aSpringBootJarGetsServerPortAndAnswersOnPortWithNoSortieYml() throws Exception {
        Path release = release(Map.of("Spring-Boot-Version", "3.3.0"));
        int port = FreePort.pick();
        int springDefault = FreePort.pick(); // where the jar listens when nobody tells it: its 8080
        List<String> run = List.of("java", "-jar", "app.jar", Integer.toString(springDefault));

        Map<String, String> env = BuildEnvironment.forInstance(context(release, run, Map.of()), port);

        assertEquals(Integer.toString(port), env.get("PORT"));
        assertEquals(Integer.toString(port), env.get("SERVER_PORT"));
        ProcessBuilder pb = new ProcessBuilder(TinyServerJar.argv(release.resolve("app/app.jar"), Integer.toString(springDefault)))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process instance = pb.start();
        try {
            assertEquals("port " + port, answer(port));
        } finally {
            instance.destroyForcibly().waitFor();
        }
    }

    @Test
    void otherJarsGetOnlyPortAndTheAppsOwnServerPortWins() throws Exception {
        Path plain = release(Map.of());
        List<String> run = List.of("java", "-jar", "app.jar");
        Map<String, String> env = BuildEnvironment.forInstance(context(plain, run, Map.of("MICRONAUT_SERVER_PORT", "7000")), 4000);
        assertFalse(env.containsKey("SERVER_PORT"));
        assertEquals("4000", env.get("QUARKUS_HTTP_PORT"));
        assertEquals("7000", env.get("MICRONAUT_SERVER_PORT"), "the app's own config wins");

        Files.delete(plain.resolve("app/app.jar"));
        Path boot = release(Map.of("Spring-Boot-Version", "3.3.0"));
        assertEquals("9999", BuildEnvironment.forInstance(context(boot, run, Map.of("SERVER_PORT", "9999")), 4000).get("SERVER_PORT"));
        assertFalse(BuildEnvironment.forInstance(context(boot, List.of("python3", "app.py"), Map.of()), 4000).containsKey("SERVER_PORT"));
        assertFalse(BuildEnvironment.isSpringBootJar(List.of("java", "-jar"), boot.resolve("app")));
        assertFalse(BuildEnvironment.isSpringBootJar(List.of("java", "-jar", "missing.jar"), boot.resolve("app")));
        assertTrue(BuildEnvironment.isSpringBootJar(List.of("java", "-Xmx256m", "-jar", "app.jar", "--debug"), boot.resolve("app")));
    }

    /** GETs / on loopback, retrying while the JVM starts. */
    private static String answer(int port) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing answered on port " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }
}
