package dev.sortie.config;

import java.time.Duration;

/**
 * The {@code nginx:} keys of an app's sortie.yml: the few site settings an app may choose. Every
 * value is validated before it reaches the site template; null means nginx's own default.
 *
 * @param clientMaxBodySize    largest request body, nginx size syntax ({@code 10m}, {@code 512k})
 * @param proxyConnectTimeout  how long nginx waits to connect to an instance
 * @param proxyReadTimeout     how long nginx waits between two reads of an instance's answer
 * @param proxySendTimeout     how long nginx waits between two writes of a request to an instance
 * @param include              a file in the app's repo, copied into the release, included in the site's
 *                             {@code location /} block; the site must still pass {@code nginx -t}
 */
public record NginxOptions(
        String clientMaxBodySize,
        Duration proxyConnectTimeout,
        Duration proxyReadTimeout,
        Duration proxySendTimeout,
        String include) {

    public static final NginxOptions DEFAULT = new NginxOptions(null, null, null, null, null);
}
