package dev.sortie.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sortie.app.AppAdmin;
import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.app.StoredDeploys;
import dev.sortie.config.AppName;
import dev.sortie.config.AppSettings;
import dev.sortie.fleet.FleetRoll;
import dev.sortie.fleet.Shipment;
import dev.sortie.fleet.ShippedReleases;
import dev.sortie.pipeline.DeployEvent;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sortie fleet ...}: a fleet host's side of a primary's rolling deploy, run by the primary over SSH with an admin
 * key. People push to the primary; these are its tools.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"A fleet host's part of a rolling deploy; the primary (fleet: in its sortie.yml) runs these over SSH.",
            "Push to the primary: it checks every host, builds once, ships the release and rolls it out in batches."},
        subcommands = {FleetCommand.Receive.class, FleetCommand.Deploy.class})
final class FleetCommand {

    /** {@code sortie fleet receive APP RELEASE < tar}: a shipped release, unpacked and kept until {@code fleet deploy}. */
    @Command(name = "receive", mixinStandardHelpOptions = true,
            description = {"Read a release the primary ships (a tar stream on stdin) and keep it for fleet deploy.",
                "Creates the app on this host when it has none."})
    static final class Receive implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @Parameters(index = "1", paramLabel = "RELEASE")
        String release;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            AppName.require(app);
            if (!Files.isDirectory(sortie.home().repo(app))) {
                new AppAdmin(sortie).create(app, new AppSettings(null, null, null, null), Launcher.sortieCommand(), false);
                System.out.println("created app " + app + " on this host");
            }
            long start = System.nanoTime();
            Shipment s = new ShippedReleases(sortie.home()).receive(app, release);
            System.out.printf(Locale.ROOT, "received %s of %s (%s) in %.1fs%n", s.release(), s.app(), s.commit().substring(0, 7),
                    (System.nanoTime() - start) / 1e9);
            return ExitCodes.OK;
        }
    }

    /** {@code sortie fleet deploy APP RELEASE}: the shipped release live on this host, then one result line for the primary. */
    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = {"Deploy a release the primary shipped here (fleet receive): upgrade_service, configure_nginx, run_bots.",
                "Ends with a line " + FleetRoll.RESULT + "{...} that the primary reads."})
    static final class Deploy implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @Parameters(index = "1", paramLabel = "RELEASE")
        String release;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            AppName.require(app);
            String previous = Files.isDirectory(sortie.home().repo(app)) ? sortie.releases(app).currentId().orElse(null) : null;
            String id = new StoredDeploys(sortie).fleet(app, release, Apps.user());
            DeployEvent end = new Deploys(sortie).follow(app, id, PushLines.INSTANCE.renderer(System.out));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("release", id);
            result.put("previous", previous); // what a failed roll switches this host back to (none: it stops the app)
            if (end instanceof DeployEvent.Failed f) {
                result.put("outcome", "failed");
                result.put("step", f.step() == null ? null : f.step().id());
                result.put("reason", f.reason());
            } else if (end instanceof DeployEvent.Live) {
                result.put("outcome", "live");
            } else {
                result.put("outcome", "failed");
                result.put("reason", "the deploy ended without going live: " + end);
            }
            System.out.println(FleetRoll.RESULT + JSON.writeValueAsString(result));
            System.out.flush();
            return "live".equals(result.get("outcome")) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
