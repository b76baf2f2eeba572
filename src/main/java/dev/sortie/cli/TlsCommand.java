package dev.sortie.cli;

import dev.sortie.app.Deploys;
import dev.sortie.app.Sortie;
import dev.sortie.config.AppName;
import dev.sortie.tls.RenewalPlan;
import dev.sortie.tls.StoredCertificate;
import dev.sortie.tls.TlsFailure;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sortie tls}: the apps' ACME certificates ({@code list}) and a renewal now ({@code renew NAME}). */
@Command(name = "tls", mixinStandardHelpOptions = true,
        description = "List the certificates the apps' sites serve; renew one now (the daemon renews them by itself).",
        subcommands = {TlsCommand.Renew.class})
final class TlsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Sortie sortie = Homes.sortie();
        List<StoredCertificate> certificates = sortie.certificates().inUse();
        PrintWriter out = spec.commandLine().getOut();
        if (certificates.isEmpty()) {
            out.println("No site serves a certificate from ACME (tls: auto in an app's sortie.yml gets one on its next deploy).");
            return ExitCodes.OK;
        }
        out.printf("%-20s %-20s %-24s %-22s %s%n", "APP", "SERIAL", "VALID UNTIL", "RENEWS FROM", "DOMAINS");
        for (StoredCertificate c : certificates) {
            out.printf("%-20s %-20s %-24s %-22s %s%n", c.app(), abbreviate(c.serialHex()), c.notAfter(), RenewalPlan.renewAt(c),
                    String.join(" ", c.domains().stream().sorted().toList()));
        }
        return ExitCodes.OK;
    }

    private static String abbreviate(String serial) {
        return serial.length() <= 20 ? serial : serial.substring(0, 19) + "~";
    }

    /** {@code sortie tls renew NAME}: a new certificate now, for the same domains, and nginx reloaded to serve it. */
    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = "Order a new certificate for the app now (same domains) and reload nginx without dropping requests.")
    static final class Renew implements Callable<Integer> {

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sortie sortie = Homes.sortie();
            Apps.require(new Deploys(sortie), AppName.require(name));
            try {
                Instant started = Instant.now();
                StoredCertificate c = sortie.certificates().renew(name);
                spec.commandLine().getOut().println("Renewed the certificate of " + name + " (" + String.join(", ",
                        c.domains().stream().sorted().toList()) + "): serial " + c.serialHex() + ", valid until " + c.notAfter()
                        + "; nginx reloaded (" + java.time.Duration.between(started, Instant.now()).toMillis() + " ms).");
                return ExitCodes.OK;
            } catch (TlsFailure e) {
                throw new UserError(ExitCodes.FAILED, e.getMessage());
            }
        }
    }
}
