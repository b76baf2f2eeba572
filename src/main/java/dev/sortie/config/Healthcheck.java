package dev.sortie.config;

import java.time.Duration;

/**
 * How Sortie decides a new instance is ready: an HTTP GET on {@code path} until it answers.
 * On the default path {@code /} any answer below 500 counts; on a configured path, 2xx or 3xx.
 */
public record Healthcheck(String path, Duration timeout) {

    public static final Healthcheck DEFAULT = new Healthcheck(null, null);

    public Healthcheck {
        path = path == null ? "/" : path;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    public boolean isDefaultPath() {
        return path.equals("/");
    }

    public boolean accepts(int status) {
        return isDefaultPath() ? status < 500 : status >= 200 && status < 400;
    }
}
