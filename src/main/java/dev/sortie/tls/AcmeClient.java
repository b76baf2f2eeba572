package dev.sortie.tls;

import dev.sortie.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Orders a certificate from the server config's ACME server (RFC 8555) with acme4j, proving each domain over HTTP-01
 * through an {@link Http01Responder}. Failures carry the ACME server's own problem detail.
 */
public final class AcmeClient {

    /** How long one authorization, the finalization or the download may take. */
    static final Duration WAIT = Duration.ofSeconds(90);

    /** Publishes the answers to HTTP-01 challenges where the ACME server will fetch them, and takes them down again. */
    public interface Http01Responder {
        /** Serves {@code body} at {@code /.well-known/acme-challenge/TOKEN} for each token, for every one of {@code domains}. */
        void publish(Map<String, String> answers, List<String> domains) throws TlsFailure;

        void withdraw();
    }

    private final ServerConfig.Acme acme;

    public AcmeClient(ServerConfig.Acme acme) {
        this.acme = acme;
    }

    public String directory() {
        return acme.directory();
    }

    /** A new certificate chain (leaf first) for {@code domains}, signed over {@code domainKey}. */
    public List<X509Certificate> order(KeyPair accountKey, KeyPair domainKey, List<String> domains, Http01Responder responder)
            throws TlsFailure, InterruptedException {
        try {
            Session session = new Session(URI.create(acme.directory()), provider());
            AccountBuilder account = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            if (acme.email() != null) {
                account.addEmail(acme.email());
            }
            Login login = account.createLogin(session);
            Order order = login.newOrder().domains(domains).create();
            Map<String, String> answers = new LinkedHashMap<>();
            Map<String, Http01Challenge> challenges = new LinkedHashMap<>();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue; // proven recently: the ACME server remembers
                }
                String domain = auth.getIdentifier().getDomain();
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(() -> new TlsFailure(
                        "the ACME server " + acme.directory() + " offers no http-01 challenge for " + domain));
                answers.put(challenge.getToken(), challenge.getAuthorization());
                challenges.put(domain, challenge);
            }
            if (!challenges.isEmpty()) {
                responder.publish(answers, domains);
                try {
                    for (Http01Challenge challenge : challenges.values()) {
                        challenge.trigger();
                    }
                    for (var entry : challenges.entrySet()) {
                        Status status = entry.getValue().waitForCompletion(WAIT);
                        if (status != Status.VALID) {
                            throw new TlsFailure("the ACME server could not validate " + entry.getKey() + " over HTTP-01: "
                                    + entry.getValue().getError().map(AcmeClient::describe).orElse("status " + status));
                        }
                    }
                } finally {
                    responder.withdraw();
                }
            }
            order.waitUntilReady(WAIT);
            order.execute(domainKey);
            Status status = order.waitForCompletion(WAIT);
            if (status != Status.VALID) {
                throw new TlsFailure("the ACME server did not issue the certificate for " + String.join(", ", domains) + ": "
                        + order.getError().map(AcmeClient::describe).orElse("the order is " + status));
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            if (chain.isEmpty()) {
                throw new TlsFailure("the ACME server sent an empty certificate chain");
            }
            return chain;
        } catch (AcmeServerException e) {
            throw new TlsFailure("the ACME server " + acme.directory() + " refused: " + describe(e.getProblem()), e);
        } catch (AcmeException e) {
            throw new TlsFailure("ACME with " + acme.directory() + " failed: " + e.getMessage()
                    + (e.getCause() == null || e.getCause().getMessage() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        } catch (IllegalArgumentException e) {
            throw new TlsFailure("ACME with " + acme.directory() + " failed: " + e.getMessage(), e);
        }
    }

    /** A problem document as the ACME server wrote it: detail, then each sub-problem's. */
    static String describe(Problem problem) {
        StringBuilder text = new StringBuilder(problem.getDetail().or(problem::getTitle).orElse(problem.getType().toString()));
        for (Problem sub : problem.getSubProblems()) {
            text.append("; ").append(sub.getIdentifier().map(id -> id.getValue() + ": ").orElse(""))
                    .append(sub.getDetail().orElse(sub.getType().toString()));
        }
        return text.toString();
    }

    private GenericAcmeProvider provider() throws TlsFailure {
        if (acme.caCert() == null) {
            return new GenericAcmeProvider();
        }
        SSLContext ssl = sslTrusting(Path.of(acme.caCert()));
        return new GenericAcmeProvider() {
            @Override
            protected HttpConnector createHttpConnector(NetworkSettings settings) {
                return new HttpConnector(settings) {
                    @Override
                    public HttpClient.Builder createClientBuilder() {
                        return super.createClientBuilder().sslContext(ssl);
                    }
                };
            }
        };
    }

    /** The JDK's trusted CAs and the certificates of {@code caFile}. */
    static SSLContext sslTrusting(Path caFile) throws TlsFailure {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
                trust.load(in, null);
            }
            List<X509Certificate> extra = new ArrayList<>();
            try (InputStream in = Files.newInputStream(caFile)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    extra.add((X509Certificate) c);
                }
            }
            if (extra.isEmpty()) {
                throw new TlsFailure("acme.ca_cert: " + caFile + " holds no PEM certificate");
            }
            for (int i = 0; i < extra.size(); i++) {
                trust.setCertificateEntry("sortie-acme-ca-" + i, extra.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFailure("acme.ca_cert: cannot read " + caFile + ": " + e.getMessage(), e);
        }
    }

}
