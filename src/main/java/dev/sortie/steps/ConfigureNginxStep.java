package dev.sortie.steps;

import dev.sortie.nginx.SiteOptions;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import dev.sortie.release.ReleaseStore;
import dev.sortie.service.InstanceInfo;
import dev.sortie.tls.Certificates;
import dev.sortie.tls.TlsFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Moves traffic: gets the site's certificate when it has HTTPS (before anything is journalled: an ACME failure moves no
 * traffic), renders the app's site for the new instance, validates it, reloads nginx and confirms the switch.
 */
public final class ConfigureNginxStep implements Step<DeployContext> {

    static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public StepId id() {
        return StepId.CONFIGURE_NGINX;
    }

    @Override
    public StepResult run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        SiteSwitch sites = ctx.services().sites();
        List<String> domains = ctx.config().domainsFor(ctx.app());
        List<Integer> ports = ctx.instances().stream().map(InstanceInfo::port).toList();
        if (ports.isEmpty()) {
            throw new StepFailure("upgrade_service did not run");
        }
        if (ctx.services().remote() != null) {
            return switchByTheDaemon(ctx, sites, domains, ports, output);
        }
        Optional<Certificates.Served> tls;
        try {
            SiteOptions options = siteOptions(ctx);
            tls = Certificates.wanted(ctx.server(), ctx.config())
                    ? new Certificates(ctx.home(), ctx.server(), sites).forSite(ctx.app(), ctx.config()) : Optional.empty();
            tls.ifPresent(served -> output.accept(served.summary()));
            String previous = readSite(sites, ctx.app());
            ctx.changes().switchingNginx(ctx.releaseId(), previous,
                    previous == null ? null : SiteSwitch.releaseNamed(ctx.app(), previous).orElse(null));
            sites.switchTo(ctx.app(), ctx.releaseId(), domains, ports, options, tls.map(Certificates.Served::tls),
                    ctx.config().healthcheck().path(), SWITCH_TIMEOUT);
        } catch (TlsFailure e) {
            throw new StepFailure(e.getMessage());
        } catch (SiteSwitch.SwitchFailed e) {
            throw new StepFailure(e.getMessage().lines().findFirst().orElse("nginx failed"), e.getMessage().lines().skip(1).toList());
        } catch (IOException e) {
            throw new StepFailure("cannot write the nginx site: " + e);
        } catch (IllegalArgumentException e) {
            throw new StepFailure(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while switching nginx");
        }
        String to = ports.size() == 1 ? "port " + ports.getFirst() : ports.size() + " instances (ports "
                + String.join(", ", ports.stream().map(String::valueOf).toList()) + ")";
        return StepResult.of(String.join(" ", domains) + " -> " + to + " (nginx reloaded, serving " + ctx.releaseId()
                + (tls.isPresent() ? ", HTTPS on port " + ctx.server().nginx().httpsPort() : "") + ")");
    }

    /** The app runs as its own user: the daemon switches its site (and gets its certificate), after the intent is journalled. */
    private static StepResult switchByTheDaemon(DeployContext ctx, SiteSwitch sites, List<String> domains, List<Integer> ports,
            Consumer<String> output) throws StepFailure {
        String summary;
        try {
            siteOptions(ctx); // the include must be in the release: the same message as a local switch
            String previous = readSite(sites, ctx.app());
            ctx.changes().switchingNginx(ctx.releaseId(), previous,
                    previous == null ? null : SiteSwitch.releaseNamed(ctx.app(), previous).orElse(null));
            summary = ctx.services().remote().switchSite(new RemoteSites.SwitchRequest(ctx.app(), ctx.releaseId(), domains, ports,
                    ctx.config().nginx(), ctx.config().tls(), ctx.config().httpsRedirect(), ctx.config().healthcheck().path()));
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage()).replaceFirst("^sortie server: ", "");
            throw new StepFailure(message.lines().findFirst().orElse("nginx failed"), message.lines().skip(1).toList());
        }
        if (summary != null) {
            output.accept(summary);
        }
        String to = ports.size() == 1 ? "port " + ports.getFirst() : ports.size() + " instances (ports "
                + String.join(", ", ports.stream().map(String::valueOf).toList()) + ")";
        return StepResult.of(String.join(" ", domains) + " -> " + to + " (nginx reloaded by the sortie server, serving " + ctx.releaseId()
                + (summary != null ? ", HTTPS on port " + ctx.server().nginx().httpsPort() : "") + ")");
    }

    /** sortie.yml's nginx: keys, the include resolved inside the release (it must be there: a jar's release lists it in files:). */
    static SiteOptions siteOptions(DeployContext ctx) throws StepFailure {
        Path releaseDir = ctx.services().releases().dir(ctx.releaseId()).resolve(ReleaseStore.APP_DIR);
        String include = ctx.config().nginx().include();
        if (include != null && !Files.exists(releaseDir.resolve(include))) {
            throw new StepFailure("nginx.include: " + include + " is not in the release" + (ctx.artifact().isPresent() || ctx.facts().source() != null
                    ? " (a packaged release holds the artifact and files: only; add it to files: in sortie.yml)" : ""));
        }
        try {
            return SiteOptions.of(ctx.config().nginx(), releaseDir);
        } catch (IOException | IllegalArgumentException e) {
            throw new StepFailure("nginx: " + e.getMessage());
        }
    }

    private static String readSite(SiteSwitch sites, String app) throws IOException {
        try {
            return Files.readString(sites.siteFile(app));
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
