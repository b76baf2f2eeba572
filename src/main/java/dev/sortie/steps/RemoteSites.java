package dev.sortie.steps;

import dev.sortie.config.NginxOptions;
import java.io.IOException;
import java.util.List;

/**
 * configure_nginx's switch, done by the daemon for a deploy worker that runs as its app's own user: that user may not
 * write nginx's sites, reload it or read the ACME account key. The daemon checks the request is about the asking app's
 * own release and instances, then switches as {@code SiteSwitch.switchTo} does, HTTPS included.
 */
public interface RemoteSites {

    /**
     * @param tls           sortie.yml's {@code tls} ({@code auto} or null)
     * @param httpsRedirect sortie.yml's {@code https_redirect}
     */
    record SwitchRequest(String app, String release, List<String> domains, List<Integer> ports, NginxOptions nginx, String tls,
            boolean httpsRedirect, String probePath) {
    }

    /** Switches; returns the certificate's summary line when the site serves HTTPS, else null. */
    String switchSite(SwitchRequest request) throws IOException;
}
