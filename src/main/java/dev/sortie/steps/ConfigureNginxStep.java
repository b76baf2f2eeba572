package dev.sortie.steps;

import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import dev.sortie.pipeline.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Moves traffic: renders the app's site for the new instance, validates it, reloads nginx and confirms the switch. */
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
        int port = ctx.instance().orElseThrow(() -> new StepFailure("upgrade_service did not run")).port();
        try {
            String previous = readSite(sites, ctx.app());
            ctx.changes().switchingNginx(ctx.releaseId(), previous,
                    previous == null ? null : SiteSwitch.releaseNamed(ctx.app(), previous).orElse(null));
            sites.switchTo(ctx.app(), ctx.releaseId(), domains, port, ctx.config().healthcheck().path(), SWITCH_TIMEOUT);
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
        return StepResult.of(String.join(" ", domains) + " -> port " + port + " (nginx reloaded, serving " + ctx.releaseId() + ")");
    }

    private static String readSite(SiteSwitch sites, String app) throws IOException {
        try {
            return Files.readString(sites.siteFile(app));
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
