package dev.sortie.nginx;

import dev.sortie.config.Quote;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * HTTPS for a site: the certificate chain and private key nginx serves it with, and whether plain HTTP is sent to HTTPS.
 * The paths are checked again here, whoever chose them, so nothing but a plain absolute path reaches the site.
 *
 * @param cert     a PEM certificate chain, leaf first
 * @param key      its PEM private key
 * @param redirect plain HTTP answers a 301 to the same URL over HTTPS (the ACME challenges excepted)
 */
public record SiteTls(Path cert, Path key, boolean redirect) {

    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._@+=,-]+)+");

    public SiteTls {
        check("ssl_certificate", cert);
        check("ssl_certificate_key", key);
    }

    private static void check(String directive, Path path) {
        if (!path.isAbsolute() || !path.normalize().equals(path) || !SAFE_PATH.matcher(path.toString()).matches()) {
            throw new IllegalArgumentException("refusing " + directive + " " + Quote.of(path.toString())
                    + ": it must be an absolute, normalised path of letters, digits and ._@+=,-");
        }
    }

    /** The site's TLS lines: listen on the HTTPS port with ssl, and the certificate's files. */
    List<String> directives(String listen, int httpsPort) {
        return List.of("listen " + listen + ":" + httpsPort + " ssl;", "ssl_certificate " + cert + ";", "ssl_certificate_key " + key + ";");
    }
}
