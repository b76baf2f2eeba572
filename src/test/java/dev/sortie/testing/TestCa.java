package dev.sortie.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA for tests, and leaf certificates it signs (DNS names and IP addresses), written as PEM files. */
public final class TestCa {

    private final KeyPair key;
    private final X509Certificate cert;

    public TestCa(String name) throws Exception {
        this.key = ecKey();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(2))), subject, key.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        this.cert = new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    /** The CA certificate as PEM in {@code file}. */
    public Path writeCert(Path file) throws IOException {
        Files.writeString(file, pem(cert));
        return file;
    }

    /** A leaf for {@code names} (an IP address literal becomes an IP SAN) valid from now for {@code validity}: writes cert and key. */
    public X509Certificate issue(List<String> names, Duration validity, Path certFile, Path keyFile) throws Exception {
        KeyPair leafKey = ecKey();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(cert, BigInteger.valueOf(System.nanoTime()), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(validity)), new X500Name("CN=" + names.getFirst()), leafKey.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(n.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, n));
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        Files.writeString(certFile, pem(leaf));
        // PKCS#8, which Go (pebble) and OpenSSL (nginx) both read
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(leafKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return leaf;
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }
}
