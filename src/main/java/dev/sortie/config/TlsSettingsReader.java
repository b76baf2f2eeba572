package dev.sortie.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Reads the server config's {@code acme:} and {@code tls:} sections: an https directory URL, absolute file paths nginx can take. */
final class TlsSettingsReader {

    /** Characters that would end or change an nginx directive if a path held them (and NUL, and control characters). */
    private static final Pattern NGINX_UNSAFE = Pattern.compile("[\\s;{}'\"\\\\$#\\p{Cntrl}]");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@,;<>\"]+@[^\\s@,;<>\"]+");

    private TlsSettingsReader() {
    }

    static ServerConfig.Acme acme(ConfigSection acme) {
        String directory = acme.string("directory");
        if (directory != null && !httpsUrl(directory)) {
            acme.problem("directory", Quote.of(directory) + " must be the https URL of an ACME directory (e.g. "
                    + ServerConfig.Acme.LETS_ENCRYPT + ")");
            directory = null;
        }
        String caCert = acme.string("ca_cert");
        if (caCert != null && !absolutePath(caCert)) {
            acme.problem("ca_cert", Quote.of(caCert) + " must be an absolute path to a PEM file");
            caCert = null;
        }
        String email = acme.string("email");
        if (email != null && !EMAIL.matcher(email).matches()) {
            acme.problem("email", Quote.of(email) + " is not an email address");
            email = null;
        }
        return new ServerConfig.Acme(directory, caCert, email);
    }

    /** {@code tls: {cert, key}}: both or neither; null when absent. */
    static ServerConfig.TlsFiles files(ConfigSection top, ConfigSection tls) {
        if (!top.has("tls")) {
            return null;
        }
        String cert = file(tls, "cert", "a PEM certificate chain");
        String key = file(tls, "key", "its PEM private key");
        return cert == null || key == null ? null : new ServerConfig.TlsFiles(cert, key);
    }

    private static String file(ConfigSection tls, String key, String what) {
        String path = tls.string(key);
        if (path == null) {
            if (!tls.has(key)) {
                tls.problem(key, "missing: tls: needs cert and key (" + what + ")");
            }
            return null;
        }
        if (!absolutePath(path)) {
            tls.problem(key, Quote.of(path) + " must be an absolute path to " + what + ", with no spaces, quotes, ;, {, }, $ or #");
            return null;
        }
        return path;
    }

    private static boolean absolutePath(String path) {
        return path.startsWith("/") && path.length() > 1 && !NGINX_UNSAFE.matcher(path).find();
    }

    private static boolean httpsUrl(String text) {
        try {
            URI uri = new URI(text);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
