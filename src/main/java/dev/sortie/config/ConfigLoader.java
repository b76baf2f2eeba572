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
        ConfigSection top = ConfigSection.root(doc, problems, List.of("nginx", "drain", "stop_timeout", "standby", "keep_releases", "logs", "ssh"));
        ConfigSection nginx = top.section("nginx", List.of("listen", "port", "binary"));
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
                new ServerConfig.Nginx(nginx.string("listen"), nginx.integer("port", 1, 65535, "%d is not a port number (1-65535)"),
                        nginx.string("binary")),
                top.duration("drain"),
                top.duration("stop_timeout"),
                top.duration("standby"),
                top.integer("keep_releases", 1, 1000),
                new ServerConfig.Logs(maxSize, logs.integer("keep", 1, 50)), null, null, new ServerConfig.Ssh(authorizedKeys));
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
