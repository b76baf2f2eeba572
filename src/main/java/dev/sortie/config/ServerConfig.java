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
 * @param acme        the ACME server that issues certificates for apps with {@code tls: auto}
 * @param tls         a certificate and key to serve every app's HTTPS with, instead of ACME; null: none
 * @param ssh         SSH access: where {@code sortie ssh-keys} keeps its authorized_keys lines
 * @param appUsers    run each app's instances as its own Unix user {@code sortie-<app>}, made by Sortie, with its config,
 *                    releases and logs its own (needs a daemon running as root; default false)
 * @param fleet       the hosts a push rolls out to over SSH; {@link FleetConfig#NONE}: this server deploys to itself
 */
public record ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout, Duration standby, Integer keepReleases, Logs logs,
        Acme acme, TlsFiles tls, Ssh ssh, Boolean appUsers, FleetConfig fleet) {

    public ServerConfig {
        nginx = nginx == null ? Nginx.DEFAULT : nginx;
        drain = drain == null ? Duration.ofSeconds(5) : drain;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(10) : stopTimeout;
        standby = standby == null ? Duration.ZERO : standby;
        keepReleases = keepReleases == null ? 5 : keepReleases;
        logs = logs == null ? Logs.DEFAULT : logs;
        acme = acme == null ? Acme.DEFAULT : acme;
        ssh = ssh == null ? Ssh.DEFAULT : ssh;
        appUsers = appUsers != null && appUsers;
        fleet = fleet == null ? FleetConfig.NONE : fleet;
    }

    public ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout, Duration standby, Integer keepReleases, Logs logs,
            Acme acme, TlsFiles tls, Ssh ssh, Boolean appUsers) {
        this(nginx, drain, stopTimeout, standby, keepReleases, logs, acme, tls, ssh, appUsers, null);
    }

    public ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout, Duration standby, Integer keepReleases, Logs logs) {
        this(nginx, drain, stopTimeout, standby, keepReleases, logs, null, null, null, null);
    }

    public ServerConfig(Nginx nginx, Duration drain, Duration stopTimeout) {
        this(nginx, drain, stopTimeout, null, null, null, null, null, null, null);
    }

    /**
     * The ACME server (RFC 8555) certificates come from.
     *
     * @param directory the directory URL (default Let's Encrypt's production directory)
     * @param caCert    a PEM file of an extra CA to trust for the ACME server's own HTTPS (a test CA such as pebble's); null: none
     * @param email     the account's contact address; null: none
     */
    public record Acme(String directory, String caCert, String email) {

        public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
        public static final Acme DEFAULT = new Acme(null, null, null);

        public Acme {
            directory = directory == null ? LETS_ENCRYPT : directory;
        }
    }

    /** A PEM certificate chain and its private key, served for every app with HTTPS. */
    public record TlsFiles(String cert, String key) {
    }

    /**
     * SSH access.
     *
     * @param authorizedKeys the authorized_keys file {@code sortie ssh-keys} writes its lines into; null: the user's {@code ~/.ssh/authorized_keys}
     */
    public record Ssh(String authorizedKeys) {

        public static final Ssh DEFAULT = new Ssh(null);
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
     * The nginx Sortie routes through: where it listens and which binary runs it.
     *
     * @param listen    address the sites listen on (default loopback)
     * @param port      the HTTP port the sites listen on (unprivileged for the managed nginx)
     * @param binary    nginx executable
     * @param mode      {@code managed} (default: Sortie runs its own nginx master under its home) or {@code system}
     *                  (Sortie writes only its own site files into {@code sitesDir} and reloads the system's nginx)
     * @param sitesDir  with mode system: the directory the system nginx includes sites from (e.g. /etc/nginx/sites-enabled)
     * @param httpsPort the HTTPS port of sites with TLS (default 8443; the system install uses 443)
     * @param config    with mode system: the system nginx's nginx.conf, passed as {@code -c}; null: nginx's own default
     * @param pidFile   with mode system: the system nginx master's pid file; null: the {@code pid} of {@code nginx -T},
     *                  else nginx's compiled-in {@code --pid-path}
     */
    public record Nginx(String listen, Integer port, String binary, String mode, String sitesDir, Integer httpsPort, String config,
            String pidFile) {

        public static final String MANAGED = "managed";
        public static final String SYSTEM = "system";
        public static final Nginx DEFAULT = new Nginx(null, null, null);

        public Nginx {
            listen = listen == null ? "127.0.0.1" : listen;
            port = port == null ? 8480 : port;
            binary = binary == null ? "nginx" : binary;
            mode = mode == null ? MANAGED : mode;
            httpsPort = httpsPort == null ? 8443 : httpsPort;
        }

        public Nginx(String listen, Integer port, String binary) {
            this(listen, port, binary, null, null, null);
        }

        public Nginx(String listen, Integer port, String binary, String mode, String sitesDir, Integer httpsPort) {
            this(listen, port, binary, mode, sitesDir, httpsPort, null, null);
        }

        public boolean system() {
            return SYSTEM.equals(mode);
        }
    }
}
