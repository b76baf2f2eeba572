package dev.sortie.tls;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An app's certificate as the store holds it: what it is for and how long it holds, read from the certificate itself.
 *
 * @param domains   the certificate's DNS names (subject alternative names), lower case
 * @param serial    its serial number
 * @param cert      the PEM chain file nginx serves
 * @param key       the PEM private key file (0600)
 */
public record StoredCertificate(String app, Set<String> domains, BigInteger serial, Instant notBefore, Instant notAfter, Path cert,
        Path key) {

    public StoredCertificate {
        domains = Set.copyOf(domains);
    }

    /** The leaf of a chain, as stored for {@code app} in {@code cert} and {@code key}. */
    static StoredCertificate of(String app, X509Certificate leaf, Path cert, Path key) {
        return new StoredCertificate(app, dnsNames(leaf), leaf.getSerialNumber(), leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), cert, key);
    }

    public Duration lifetime() {
        return Duration.between(notBefore, notAfter);
    }

    /** The serial as {@code openssl x509 -serial} and pebble's management API write it: upper-case hex. */
    public String serialHex() {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    /** Whether it names exactly these domains (case aside), no more and no fewer. */
    public boolean covers(List<String> wanted) {
        Set<String> lower = new TreeSet<>();
        wanted.forEach(d -> lower.add(d.toLowerCase(Locale.ROOT)));
        return lower.equals(new TreeSet<>(domains));
    }

    private static Set<String> dnsNames(X509Certificate leaf) {
        Set<String> names = new TreeSet<>();
        try {
            var sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) { // dNSName
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate without readable names covers no domain: it is ordered again
        }
        return names;
    }
}
