package dev.sortie.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * The keys and certificates under {@code $SORTIE_HOME/tls} (mode 0700): {@code account.key}, the ACME account's key, and
 * for each app {@code <app>/key.pem}, its certificate key (made once, kept across renewals, so a renewal swaps only
 * {@code <app>/cert.pem}, by rename: nginx never sees a key that does not match its certificate). Every file is 0600.
 */
public final class TlsStore {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    /** The EC curve of the keys Sortie makes (P-256: every ACME CA and nginx take it, and it is fast). */
    private static final String CURVE = "secp256r1";

    static {
        // acme4j reads and writes keys and CSRs through BouncyCastle's provider, by name
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private final Path root;

    public TlsStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path accountKeyFile() {
        return root.resolve("account.key");
    }

    public Path certFile(String app) {
        return root.resolve(app).resolve("cert.pem");
    }

    public Path keyFile(String app) {
        return root.resolve(app).resolve("key.pem");
    }

    /** The ACME account's key pair, made on first use. */
    KeyPair accountKey() throws IOException {
        return keyPair(accountKeyFile());
    }

    /** The app's certificate key pair, made on first use. */
    KeyPair domainKey(String app) throws IOException {
        return keyPair(keyFile(app));
    }

    /** The app's stored certificate; empty when there is none (or it does not parse: then it is ordered again). */
    public Optional<StoredCertificate> certificate(String app) throws IOException {
        Path file = certFile(app);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<X509Certificate> chain = readChain(file);
        return chain.isEmpty() ? Optional.empty() : Optional.of(StoredCertificate.of(app, chain.getFirst(), file, keyFile(app)));
    }

    /** Every app with a stored certificate, by name. */
    public List<StoredCertificate> certificates() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredCertificate> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                certificate(dir.getFileName().toString()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Stores a chain (leaf first) as the app's certificate, replacing the one before by rename. */
    StoredCertificate save(String app, List<X509Certificate> chain) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException("cannot encode the certificate: " + e.getMessage(), e);
            }
        }
        writePrivate(certFile(app), pem.toString());
        return StoredCertificate.of(app, chain.getFirst(), certFile(app), keyFile(app));
    }

    /**
     * Holds the app's certificate lock (a file lock, so the deploy worker, the daemon's renewal and {@code sortie tls renew}
     * never order one app's certificate at the same time) until closed.
     */
    AutoCloseable lock(String app) throws IOException {
        Path file = directory(root.resolve(app)).resolve(".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        return () -> {
            lock.release();
            channel.close();
        };
    }

    static List<X509Certificate> readChain(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            return chain;
        } catch (CertificateException e) {
            return List.of();
        }
    }

    private KeyPair keyPair(Path file) throws IOException {
        if (Files.exists(file)) {
            try (var reader = Files.newBufferedReader(file)) {
                return KeyPairUtils.readKeyPair(reader);
            }
        }
        KeyPair pair = KeyPairUtils.createECKeyPair(CURVE);
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(pair, pem);
        directory(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, pem.toString());
        try {
            // a link, not a rename: never over a key another process made meanwhile, which may already be in use
            Files.createLink(file, tmp);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // theirs stands
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (var reader = Files.newBufferedReader(file)) {
            return KeyPairUtils.readKeyPair(reader);
        }
    }

    private void writePrivate(Path file, String text) throws IOException {
        directory(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path directory(Path dir) throws IOException {
        for (Path d : List.of(root, dir)) {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, OWNER_DIR);
            }
        }
        return dir;
    }
}
