package dev.sortie.nginx;

import dev.sortie.config.NginxOptions;
import dev.sortie.config.Quote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An app's own site settings (its sortie.yml {@code nginx:} keys) as the site writes them: each value checked again here
 * with a strict pattern, whatever validated it before, so nothing but one plain directive reaches the site.
 *
 * @param clientMaxBodySize   nginx size syntax, e.g. {@code 10m}; empty for nginx's default
 * @param include             an absolute path to a file inside the release, included in {@code location /}
 */
public record SiteOptions(
        Optional<String> clientMaxBodySize,
        Optional<Duration> proxyConnectTimeout,
        Optional<Duration> proxyReadTimeout,
        Optional<Duration> proxySendTimeout,
        Optional<Path> include) {

    public static final SiteOptions NONE = new SiteOptions(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    private static final Pattern SIZE = Pattern.compile("[0-9]{1,9}[kKmMgG]?");
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._@+=,-]+)+");

    public SiteOptions {
        clientMaxBodySize.ifPresent(size -> {
            if (!SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("nginx.client_max_body_size: " + Quote.of(size)
                        + " is not an nginx size (digits, then k, m or g)");
            }
        });
        check("proxy_connect_timeout", proxyConnectTimeout);
        check("proxy_read_timeout", proxyReadTimeout);
        check("proxy_send_timeout", proxySendTimeout);
        include.ifPresent(path -> {
            if (!path.isAbsolute() || !path.normalize().equals(path) || !SAFE_PATH.matcher(path.toString()).matches()) {
                throw new IllegalArgumentException("nginx.include: " + Quote.of(path.toString())
                        + " must be an absolute, normalised path of letters, digits and ._@+=,-");
            }
        });
    }

    /**
     * The options of an app's sortie.yml for a release whose files are in {@code releaseDir}: the include is resolved
     * there, and must be a regular file whose real path (symlinks followed) stays inside it.
     */
    public static SiteOptions of(NginxOptions options, Path releaseDir) throws IOException {
        Optional<Path> include = Optional.empty();
        if (options.include() != null) {
            Path root = releaseDir.toRealPath();
            Path file = root.resolve(options.include()).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("nginx.include: " + options.include()
                        + (file.startsWith(root) ? " is not a file in the release (list it under files: in sortie.yml)"
                                : " is outside the release"));
            }
            Path real = file.toRealPath();
            if (!real.startsWith(root)) {
                throw new IllegalArgumentException("nginx.include: " + options.include() + " leads outside the release (to " + real + ")");
            }
            include = Optional.of(real);
        }
        return new SiteOptions(Optional.ofNullable(options.clientMaxBodySize()), Optional.ofNullable(options.proxyConnectTimeout()),
                Optional.ofNullable(options.proxyReadTimeout()), Optional.ofNullable(options.proxySendTimeout()), include);
    }

    /** Directives for the site's {@code server} block. */
    List<String> serverDirectives() {
        List<String> lines = new ArrayList<>();
        clientMaxBodySize.ifPresent(size -> lines.add("client_max_body_size " + size + ";"));
        proxyConnectTimeout.ifPresent(d -> lines.add("proxy_connect_timeout " + nginxDuration(d) + ";"));
        proxyReadTimeout.ifPresent(d -> lines.add("proxy_read_timeout " + nginxDuration(d) + ";"));
        proxySendTimeout.ifPresent(d -> lines.add("proxy_send_timeout " + nginxDuration(d) + ";"));
        return lines;
    }

    /** Directives for the end of the site's {@code location /} block. */
    List<String> locationDirectives() {
        return include.map(path -> List.of("include " + path + ";")).orElse(List.of());
    }

    /** A duration as nginx writes it: whole seconds as {@code Ns}, anything finer as {@code Nms}. */
    static String nginxDuration(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static void check(String key, Optional<Duration> value) {
        value.ifPresent(d -> {
            if (d.compareTo(Duration.ofDays(1)) > 0 || d.toMillis() < 1 || d.toNanos() % 1_000_000 != 0) {
                throw new IllegalArgumentException("nginx." + key + ": " + d + " must be whole milliseconds between 1ms and 24h");
            }
        });
    }
}
