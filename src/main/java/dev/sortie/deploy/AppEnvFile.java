package dev.sortie.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An app's config vars: {@code KEY=VALUE} lines in {@code apps/<app>/env} (mode 0600); {@code #} starts a comment line. */
public final class AppEnvFile {

    private AppEnvFile() {
    }

    public static Map<String, String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Map.of();
        }
        return parse(Files.readAllLines(file), file.toString());
    }

    static Map<String, String> parse(List<String> lines, String source) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IOException(source + ":" + (i + 1) + ": expected KEY=VALUE with KEY made of letters, digits and _");
            }
            vars.put(key, line.substring(eq + 1));
        }
        return vars;
    }
}
