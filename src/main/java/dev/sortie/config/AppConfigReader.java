package dev.sortie.config;

import java.util.List;

/** Reads an app's sortie.yml tree into an {@link AppConfig}: keys and types; {@link AppConfigValidator} checks the values. */
final class AppConfigReader {

    static final List<String> KEYS = List.of("branch", "steps", "artifact", "files", "run", "healthcheck", "domains", "hooks",
            "bots", "instances", "standby", "nginx", "tls", "https_redirect");
    private static final String ARGV = "[mvn, -B, package]";

    private AppConfigReader() {
    }

    static AppConfig read(YamlDocument doc, Problems problems) {
        ConfigSection top = ConfigSection.root(doc, problems, KEYS);
        ConfigSection steps = top.section("steps", List.of("deps", "compile", "package"));
        ConfigSection healthcheck = top.section("healthcheck", List.of("path", "timeout"));
        ConfigSection hooks = top.section("hooks", List.of("file", "timeout"));
        ConfigSection bots = top.section("bots", List.of("tree", "count", "bot_timeout", "timeout", "enabled", "thresholds"));
        ConfigSection nginx = top.section("nginx", List.of("client_max_body_size", "proxy_connect_timeout", "proxy_read_timeout",
                "proxy_send_timeout", "include"));
        return new AppConfig(
                top.string("branch"),
                new StepCommands(steps.strings("deps", ARGV), steps.strings("compile", ARGV), steps.strings("package", ARGV)),
                top.string("artifact"),
                top.strings("files", "[config, static/css]"),
                top.strings("run", "[java, -jar, app.jar]"),
                new Healthcheck(healthcheck.string("path"), healthcheck.duration("timeout")),
                top.strings("domains", "[shop.example.com]"),
                new HooksConfig(hooks.string("file"), hooks.duration("timeout")),
                new BotsConfig(bots.string("tree"), bots.integer("count"), bots.duration("bot_timeout"), bots.duration("timeout"),
                        bots.bool("enabled"), bots.strings("thresholds", "[\"all: p99 < 500ms\", \"all: error_rate < 1%\"]")),
                top.integer("instances"),
                top.duration("standby"),
                new NginxOptions(nginx.string("client_max_body_size"), nginx.duration("proxy_connect_timeout"),
                        nginx.duration("proxy_read_timeout"), nginx.duration("proxy_send_timeout"), nginx.string("include")),
                "auto".equals(top.word("tls", List.of("auto", "off"))) ? "auto" : null,
                top.bool("https_redirect"));
    }
}
