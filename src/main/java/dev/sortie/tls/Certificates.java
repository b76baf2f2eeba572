package dev.sortie.tls;

import dev.sortie.config.AppConfig;
import dev.sortie.config.ServerConfig;
import dev.sortie.config.SortieHome;
import dev.sortie.nginx.SiteSwitch;
import dev.sortie.nginx.SiteTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An installation's HTTPS: which certificate an app's site serves (the server config's files, or one from ACME for
 * {@code tls: auto}, reused while it names the same domains and is not due), and its renewal.
 */
public final class Certificates {

    /** What a site serves HTTPS with, and a few words on where the certificate came from. */
    public record Served(SiteTls tls, String summary) {
    }

    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);

    private final ServerConfig server;
    private final TlsStore store;
    private final SiteSwitch sites;
    private final AcmeClient acme;
    private final Clock clock;

    /**
     * Whether a site of this app serves HTTPS at all: the server's certificate files, or {@code tls: auto}. Checked before
     * a {@code Certificates} is made, which loads BouncyCastle (tens of milliseconds a deploy that has no use for it).
     */
    public static boolean wanted(ServerConfig server, AppConfig config) {
        return server.tls() != null || "auto".equals(config.tls());
    }

    public Certificates(SortieHome home, ServerConfig server, SiteSwitch sites) {
        this(server, new TlsStore(home.root().resolve("tls")), sites, new AcmeClient(server.acme()), Clock.systemUTC());
    }

    Certificates(ServerConfig server, TlsStore store, SiteSwitch sites, AcmeClient acme, Clock clock) {
        this.server = server;
        this.store = store;
        this.sites = sites;
        this.acme = acme;
        this.clock = clock;
    }

    public TlsStore store() {
        return store;
    }

    /**
     * The HTTPS an app's site gets for a deploy with {@code config}; empty for HTTP only. With {@code tls: auto} this orders
     * a certificate when the stored one does not do, answering the challenge through nginx: it runs before the site
     * switches, so a failure leaves traffic where it was.
     */
    public Optional<Served> forSite(String app, AppConfig config) throws TlsFailure, InterruptedException {
        ServerConfig.TlsFiles files = server.tls();
        if (files != null) {
            for (String file : List.of(files.cert(), files.key())) {
                if (!Files.isReadable(Path.of(file))) {
                    throw new TlsFailure("tls: " + file + " (the server config's certificate files) cannot be read");
                }
            }
            return Optional.of(new Served(siteTls(Path.of(files.cert()), Path.of(files.key()), config),
                    "HTTPS with the server's certificate " + files.cert()));
        }
        if (!"auto".equals(config.tls())) {
            return Optional.empty();
        }
        List<String> domains = config.domainsFor(app);
        try (AutoCloseable lock = store.lock(app)) {
            Optional<StoredCertificate> stored = store.certificate(app);
            StoredCertificate cert;
            String how;
            switch (RenewalPlan.forDeploy(stored, domains, clock.instant())) {
                case RenewalPlan.Decision.Reuse reuse -> {
                    cert = reuse.certificate();
                    how = "certificate reused";
                }
                case RenewalPlan.Decision.Order order -> {
                    cert = issue(app, domains);
                    how = "new certificate from ACME (" + order.reason() + ")";
                }
            }
            return Optional.of(new Served(siteTls(cert.cert(), cert.key(), config),
                    "HTTPS: " + how + ", serial " + cert.serialHex() + ", valid until " + cert.notAfter()));
        } catch (TlsFailure | InterruptedException e) {
            throw e;
        } catch (Exception e) { // IOException, and the lock's close
            throw new TlsFailure("cannot keep the certificate of " + app + " under " + store.root() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a site already serves, without ordering anything: the server's files, or the app's stored certificate. For
     * re-pointing a site at a release after a crash, which must not wait on an ACME server.
     */
    public Optional<SiteTls> stored(String app, AppConfig config) throws IOException {
        ServerConfig.TlsFiles files = server.tls();
        if (files != null) {
            return Optional.of(siteTls(Path.of(files.cert()), Path.of(files.key()), config));
        }
        if (!"auto".equals(config.tls())) {
            return Optional.empty();
        }
        return store.certificate(app).map(cert -> siteTls(cert.cert(), cert.key(), config));
    }

    /** Orders a new certificate for the domains of the app's stored one, now, and reloads nginx to serve it. */
    public StoredCertificate renew(String app) throws TlsFailure, InterruptedException {
        StoredCertificate renewed;
        try (AutoCloseable lock = store.lock(app)) {
            StoredCertificate stored = store.certificate(app).orElseThrow(() -> new TlsFailure(app
                    + " has no certificate from ACME to renew (an app gets one on a deploy with tls: auto in its sortie.yml)"));
            renewed = issue(app, stored.domains().stream().sorted().toList());
        } catch (TlsFailure | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsFailure("cannot renew the certificate of " + app + ": " + e.getMessage(), e);
        }
        reload();
        return renewed;
    }

    /** The stored certificates a site serves (its file names them), for {@code sortie tls list} and the renewal check. */
    public List<StoredCertificate> inUse() throws IOException {
        List<StoredCertificate> out = new ArrayList<>();
        for (StoredCertificate c : store.certificates()) {
            Path site = sites.siteFile(c.app());
            if (Files.isRegularFile(site) && Files.readString(site).contains("ssl_certificate " + c.cert() + ";")) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The daemon's check: renews every served certificate that is due ({@link RenewalPlan}), then reloads nginx once.
     *
     * @return a line for each certificate renewed or that failed to renew (it is tried again at the next check)
     */
    public List<String> renewDue() throws IOException, InterruptedException {
        List<String> report = new ArrayList<>();
        int renewed = 0;
        for (StoredCertificate due : RenewalPlan.due(inUse(), clock.instant())) {
            try (AutoCloseable lock = store.lock(due.app())) {
                StoredCertificate now = issue(due.app(), due.domains().stream().sorted().toList());
                report.add("renewed the certificate of " + due.app() + " (serial " + now.serialHex() + ", valid until " + now.notAfter() + ")");
                renewed++;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                report.add("could not renew the certificate of " + due.app() + ": " + e.getMessage());
            }
        }
        if (renewed > 0) {
            try {
                reload();
            } catch (TlsFailure e) {
                report.add(e.getMessage());
            }
        }
        return report;
    }

    private StoredCertificate issue(String app, List<String> domains) throws TlsFailure, InterruptedException, IOException {
        List<X509Certificate> chain = acme.order(store.accountKey(), store.domainKey(app), domains, new Http01Challenges(sites, app));
        return store.save(app, chain);
    }

    private void reload() throws TlsFailure, InterruptedException {
        try {
            if (sites.nginx().isRunning()) {
                sites.reload(RELOAD_TIMEOUT);
            }
        } catch (SiteSwitch.SwitchFailed | IOException e) {
            throw new TlsFailure("the certificate is renewed, but nginx did not reload: " + e.getMessage(), e);
        }
    }

    private static SiteTls siteTls(Path cert, Path key, AppConfig config) {
        return new SiteTls(cert, key, config.httpsRedirect());
    }
}
