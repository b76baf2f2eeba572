package dev.sortie.tls;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a certificate is ordered: pure decisions over stored certificates and the time. A certificate is renewed once less
 * than a third of its lifetime is left (a Let's Encrypt certificate of 90 days: 30 days before it expires), and a deploy
 * reuses a certificate that names exactly its domains and is not due.
 */
public final class RenewalPlan {

    /** The share of a certificate's lifetime left below which it is renewed. */
    public static final double RENEW_WHEN_LEFT = 1.0 / 3;

    /** What a deploy does about its certificate. */
    public sealed interface Decision {
        /** The stored certificate serves on. */
        record Reuse(StoredCertificate certificate) implements Decision {
        }

        /** A new certificate is ordered, for {@code reason}. */
        record Order(String reason) implements Decision {
        }
    }

    private RenewalPlan() {
    }

    /** When {@code certificate} becomes due: its expiry less a third of its lifetime. */
    public static Instant renewAt(StoredCertificate certificate) {
        long lifetime = certificate.lifetime().toSeconds();
        return certificate.notAfter().minusSeconds((long) Math.ceil(lifetime * RENEW_WHEN_LEFT));
    }

    public static boolean isDue(StoredCertificate certificate, Instant now) {
        return !now.isBefore(renewAt(certificate));
    }

    /** The certificates among {@code certificates} that are due at {@code now}, in the order given. */
    public static List<StoredCertificate> due(List<StoredCertificate> certificates, Instant now) {
        return certificates.stream().filter(c -> isDue(c, now)).toList();
    }

    /** For a deploy serving {@code domains}: reuse the stored certificate, or order one (and why). */
    public static Decision forDeploy(Optional<StoredCertificate> stored, List<String> domains, Instant now) {
        if (stored.isEmpty()) {
            return new Decision.Order("no certificate yet");
        }
        StoredCertificate c = stored.get();
        if (!c.covers(domains)) {
            return new Decision.Order("the domains changed (the certificate names " + String.join(", ", c.domains().stream().sorted().toList()) + ")");
        }
        if (!now.isBefore(c.notAfter())) {
            return new Decision.Order("the certificate expired at " + c.notAfter());
        }
        if (isDue(c, now)) {
            return new Decision.Order("the certificate expires at " + c.notAfter() + ", within the last third of its lifetime");
        }
        return new Decision.Reuse(c);
    }
}
