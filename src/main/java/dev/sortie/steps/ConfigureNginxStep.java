package dev.sortie.steps;

import dev.sortie.nginx.SiteSwitch;
import dev.sortie.pipeline.Step;
import dev.sortie.pipeline.StepFailure;
import dev.sortie.pipeline.StepId;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Moves traffic: renders the app's site for the new instance, validates it, reloads nginx and confirms the switch. */
public final class ConfigureNginxStep implements Step<DeployContext> {

    static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(15);

    @Override
    public StepId id() {
        return StepId.CONFIGURE_NGINX;
    }

    @Override
    public String run(DeployContext ctx, Consumer<String> output) throws StepFailure {
        SiteSwitch sites = ctx.services().sites();
        List<String> domains = ctx.config().domainsFor(ctx.app());
        int port = ctx.instance().orElseThrow().port();
        Optional<String> previous;
        try {
            previous = sites.switchTo(ctx.app(), ctx.releaseId(), domains, port, ctx.config().healthcheck().path(), SWITCH_TIMEOUT);
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
        ctx.onFailure("switch nginx back to the previous release", () -> sites.restore(ctx.app(), previous));
        return String.join(" ", domains) + " -> port " + port + " (nginx reloaded, serving " + ctx.releaseId() + ")";
    }
}
