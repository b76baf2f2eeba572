package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.FreePort;
import dev.sortie.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** An app as people have them: deploys from master, listens on its own port, redirects from its Host header. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppsE2ETest {

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;
    static int elsewhere;

    @BeforeAll
    static void setUp() throws Exception {
        sortie = new InstalledSortie(tmp);
        sortie.sortie("apps", "create", "legacy").assertOk();
        elsewhere = FreePort.pick();
        Files.writeString(sortie.home.resolve("apps/legacy/env"), "LISTEN_ON=" + elsewhere + "\n");
        project = sortie.project(Path.of("src/test/resources/fixtures/frameworkish").toAbsolutePath(), "legacy", "legacy");
        sortie.git(project, "branch", "-m", "master").assertOk();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (sortie != null) {
            sortie.close();
        }
    }

    @Test
    @Order(1)
    void anInstanceOnAnotherPortIsNamedAndTheFailureSaysHowToRetry() throws Exception {
        Proc.Result push = sortie.git(project, "push", "production", "master");
        String out = push.output();

        assertTrue(out.contains("it listens on " + elsewhere + ", not on PORT="), out);
        assertTrue(out.contains("for Spring Boot add --server.port=$PORT"), out);
        String sha = sortie.git(project, "rev-parse", "--short=7", "HEAD").assertOk().output().strip();
        assertTrue(out.contains("remote: =====> To deploy this commit again: sortie deploy legacy " + sha), out);

        // the reason for that line: git has the commit, so a second push runs no hook at all
        Proc.Result again = sortie.git(project, "push", "production", "master");
        assertTrue(again.output().contains("Everything up-to-date"), again.output());

        // hints name the app's branch, not main
        Proc.Result url = sortie.sortie("url", "legacy");
        assertNotEquals(0, url.exit());
        assertTrue(url.output().contains("git push production master"), url.output());
    }

    @Test
    @Order(2)
    void deployWithNoRefTakesTheAppsBranchAndRedirectsKeepNginxsPort() throws Exception {
        Files.writeString(sortie.home.resolve("apps/legacy/env"), "");

        Proc.Result deploy = sortie.sortie("deploy", "legacy");

        assertEquals(0, deploy.exit(), deploy.output());
        assertTrue(deploy.output().contains("(master)"), deploy.output());
        String url = sortie.url("legacy");
        assertTrue(url.contains(":" + sortie.nginxPort), url);
        Proc.Result go = Proc.run(sortie.work, Map.of(), 30, List.of("curl", "-sS", "--max-time", "10", "-o", "/dev/null",
                "-w", "%{http_code} %{redirect_url}", url + "go"));
        assertEquals("302 http://legacy.localhost:" + sortie.nginxPort + "/owners/12", go.output().strip());
    }

    @Test
    @Order(3)
    void theServersOwnSiteTemplateIsUsedFromTheNextDeploy() throws Exception {
        Proc.Result templates = sortie.sortie("server", "templates");
        assertEquals(0, templates.exit(), templates.output());
        Path site = sortie.home.resolve("templates/nginx-site.conf");
        assertTrue(templates.output().contains("wrote " + site), templates.output());
        Files.writeString(site, Files.readString(site).replace("        {{location_options}}\n",
                "        add_header X-Served-By our-template always;\n        {{location_options}}\n"));

        assertEquals(0, sortie.sortie("deploy", "legacy").exit());

        String generated = Files.readString(sortie.home.resolve("nginx/sites/legacy.conf"));
        assertTrue(generated.contains("from " + site + ": edits here are lost."), generated);
        Proc.Result head = Proc.run(sortie.work, Map.of(), 30, List.of("curl", "-sS", "-I", "--max-time", "10",
                sortie.url("legacy") + "health"));
        assertTrue(head.output().toLowerCase(java.util.Locale.ROOT).contains("x-served-by: our-template"), head.output());

        // again: yours is kept, the bundled one goes beside it
        Proc.Result again = sortie.sortie("server", "templates");
        assertTrue(again.output().contains("kept yours, wrote the bundled one beside it: " + site + ".bundled"), again.output());
        assertTrue(Files.readString(site).contains("our-template"));
    }
}
