package dev.sortie.config;

import java.time.Duration;

/**
 * The server's own {@code $SORTIE_HOME/sortie.yml}; every key is optional.
 *
 * @param nginx       the managed nginx
 * @param drain       how long an old instance keeps running after traffic has moved off it
 * @param stopTimeout how long an instance may take to exit after TERM before it is killed
 */
public record ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout) {

    public ServerConfig {
        nginx = nginx == null ? Nginx.DEFAULT : nginx;
        drain = drain == null ? Duration.ofSeconds(5) : drain;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(10) : stopTimeout;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null);
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
