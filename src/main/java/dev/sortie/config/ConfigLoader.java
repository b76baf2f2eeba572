package dev.sortie.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads YAML config files into records. Every mistake in a file is reported at once, each with
 * the file and its key path: {@code sortie.yml: healthcheck.timout: unknown key (did you mean timeout?)}.
 * A file may hold at most {@value YamlDocument#MAX_BYTES} bytes (1 MiB).
 */
public final class ConfigLoader {

    /** The most bytes a config file may hold. */
    public static final int MAX_BYTES = YamlDocument.MAX_BYTES;

    static final long SMALLEST_LOG = 64 * 1024;

    private ConfigLoader() {
    }

    /** Loads an app's sortie.yml text; {@code source} names it in messages. */
    public static AppConfig parseApp(String yaml, String source) {
        return read(yaml, source, AppConfig.defaults(), (doc, problems) -> {
            AppConfig config = AppConfigReader.read(doc, problems);
            AppConfigValidator.validate(config, problems);
            return config;
        });
    }

    /** The server's {@code $SORTIE_HOME/sortie.yml}; absent means all defaults. */
    public static ServerConfig loadServer(Path file) {
        return read(file, ServerConfig.defaults(), ConfigLoader::server);
    }

    /** An app's {@code settings.yml}; absent means all defaults. */
    static AppSettings loadSettings(Path file) {
        return read(file, AppSettings.defaults(), ConfigLoader::settings);
    }

    static ServerConfig parseServer(String yaml, String source) {
        return read(yaml, source, ServerConfig.defaults(), ConfigLoader::server);
    }

    private static ServerConfig server(YamlDocument doc, Problems problems) {
        ConfigSection top = ConfigSection.root(doc, problems, List.of("nginx", "drain", "stop_timeout", "standby", "keep_releases", "logs",
                "acme", "tls", "ssh", "app_users", "fleet"));
        ConfigSection nginx = top.section("nginx", List.of("listen", "port", "binary", "mode", "sites_dir", "https_port", "config",
                "pid_file"));
        ConfigSection logs = top.section("logs", List.of("max_size", "keep"));
        Long maxSize = logs.size("max_size");
        if (maxSize != null && maxSize < SMALLEST_LOG) {
            logs.problem("max_size", "must be at least " + ByteSizes.format(SMALLEST_LOG) + ", got " + ByteSizes.format(maxSize));
            maxSize = null;
        }
        ConfigSection ssh = top.section("ssh", List.of("authorized_keys"));
        String authorizedKeys = ssh.string("authorized_keys");
        if (authorizedKeys != null && !authorizedKeys.startsWith("/")) {
            ssh.problem("authorized_keys", "must be an absolute path (e.g. /home/sortie/.ssh/authorized_keys), got " + Quote.of(authorizedKeys));
            authorizedKeys = null;
        }
        return new ServerConfig(
                nginx(nginx),
                top.duration("drain"),
                top.duration("stop_timeout"),
                top.duration("standby"),
                top.integer("keep_releases", 1, 1000),
                new ServerConfig.Logs(maxSize, logs.integer("keep", 1, 50)),
                TlsSettingsReader.acme(top.section("acme", List.of("directory", "ca_cert", "email"))),
                TlsSettingsReader.files(top, top.section("tls", List.of("cert", "key"))),
                new ServerConfig.Ssh(authorizedKeys),
                top.bool("app_users"),
                FleetConfigReader.read(top));
    }

    /** The nginx keys: {@code mode: system} needs an absolute {@code sites_dir}; {@code config} and {@code pid_file} go with it. */
    private static ServerConfig.Nginx nginx(ConfigSection nginx) {
        String ports = "%d is not a port number (1-65535)";
        Integer port = nginx.integer("port", 1, 65535, ports);
        Integer httpsPort = nginx.integer("https_port", 1, 65535, ports);
        if (httpsPort != null && httpsPort.equals(port == null ? ServerConfig.Nginx.DEFAULT.port() : port)) {
            nginx.problem("https_port", "must differ from nginx.port (" + httpsPort + "): one port cannot serve both HTTP and HTTPS");
            httpsPort = null;
        }
        String mode = nginx.string("mode");
        if (mode != null && !List.of(ServerConfig.Nginx.MANAGED, ServerConfig.Nginx.SYSTEM).contains(mode)) {
            nginx.problem("mode", Quote.of(mode) + " is not a mode: managed (the default: Sortie runs its own nginx) "
                    + "or system (Sortie writes its sites into the system nginx's sites_dir)");
            mode = null;
        }
        boolean system = ServerConfig.Nginx.SYSTEM.equals(mode);
        String sitesDir = absolute(nginx, "sites_dir", system);
        String config = absolute(nginx, "config", system);
        String pidFile = absolute(nginx, "pid_file", system);
        if (system && sitesDir == null && !nginx.has("sites_dir")) {
            nginx.problem("sites_dir", "is required with mode system: the directory the system nginx includes sites from "
                    + "(e.g. /etc/nginx/sites-enabled)");
        }
        return new ServerConfig.Nginx(nginx.string("listen"), port, nginx.string("binary"), mode, sitesDir, httpsPort, config, pidFile);
    }

    /** An absolute path that only means something with mode system. */
    private static String absolute(ConfigSection nginx, String key, boolean system) {
        String path = nginx.string(key);
        if (path == null) {
            return null;
        }
        if (!system) {
            nginx.problem(key, "only applies with mode: system (the managed nginx keeps its files under $SORTIE_HOME/nginx)");
            return null;
        }
        if (!path.startsWith("/")) {
            nginx.problem(key, "must be an absolute path, got " + Quote.of(path));
            return null;
        }
        return Path.of(path).normalize().toString();
    }

    private static AppSettings settings(YamlDocument doc, Problems problems) {
        ConfigSection top = ConfigSection.root(doc, problems, AppSettings.KEYS);
        return new AppSettings(top.bool("reject_failed_pushes"), top.integer("keep_releases", 1, 1000), top.duration("standby"),
                top.integer("instances", 1, AppConfig.MAX_INSTANCES));
    }

    private static <T> T read(Path file, T empty, BiFunction<YamlDocument, Problems, T> reader) {
        String text;
        try {
            if (!Files.exists(file)) {
                return empty;
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw YamlDocument.tooLarge(file.toString(), size);
            }
            text = Files.readString(file);
        } catch (IOException e) { // a file that is not UTF-8 among them
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return read(text, file.toString(), empty, reader);
    }

    private static <T> T read(String yaml, String source, T empty, BiFunction<YamlDocument, Problems, T> reader) {
        Problems problems = new Problems(source);
        YamlDocument doc = YamlDocument.read(yaml, problems);
        if (doc.root() == null && problems.isEmpty()) {
            return empty; // blank, or only comments
        }
        T value = reader.apply(doc, problems);
        problems.check();
        return value;
    }
}
