package dev.sortie.config;

import java.time.Duration;

/**
 * The server's own {@code $SORTIE_HOME/sortie.yml}; every key is optional.
 *
 * @param nginx       the managed nginx
 * @param drain       how long an old instance keeps running after traffic has moved off it
 * @param stopTimeout how long an instance may take to exit after TERM before it is killed
 * @param standby     how long the previous release keeps running, without traffic, after a deploy (default 0:
 *                    it drains and stops); a rollback within that window is a pure nginx switch
 * @param keepReleases how many live-once releases each app keeps (default 5); apps may override it
 * @param logs        when app and nginx logs are rotated
 */
public record ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout, Duration standby, Integer keepReleases, Logs logs) {

    public ServerConfig {
        nginx = nginx == null ? Nginx.DEFAULT : nginx;
        drain = drain == null ? Duration.ofSeconds(5) : drain;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(10) : stopTimeout;
        standby = standby == null ? Duration.ZERO : standby;
        keepReleases = keepReleases == null ? 5 : keepReleases;
        logs = logs == null ? Logs.DEFAULT : logs;
    }

    public ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout) {
        this(nginx, drain, stopTimeout, null, null, null);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null);
    }

    /**
     * Log rotation by size: app instance logs and the managed nginx's logs.
     *
     * @param maxSize bytes a log may reach before it is rotated (default 10 MB); YAML takes {@code 10MB}, {@code 512KB}
     * @param keep    how many rotated files are kept beside the live one (default 3)
     */
    public record Logs(Long maxSize, Integer keep) {

        public static final Logs DEFAULT = new Logs(null, null);

        public Logs {
            maxSize = maxSize == null ? 10L * 1024 * 1024 : maxSize;
            keep = keep == null ? 3 : keep;
        }
    }

    /**
     * The managed nginx: where it listens and which binary runs it.
     *
     * @param listen address the sites listen on (default loopback)
     * @param port   unprivileged port the sites listen on
     * @param binary nginx executable
     */
    public record Nginx(String listen, Integer port, String binary) {

        public static final Nginx DEFAULT = new Nginx(null, null, null);

        public Nginx {
            listen = listen == null ? "127.0.0.1" : listen;
            port = port == null ? 8480 : port;
            binary = binary == null ? "nginx" : binary;
        }
    }
}
