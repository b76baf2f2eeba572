package dev.sortie.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The mistakes found in one config file, collected so that all of them are reported at once. */
final class Problems {

    private record Problem(String path, String what, int order) {
    }

    private final String source;
    private final List<Problem> found = new ArrayList<>();
    private Map<String, Integer> lines = Map.of();

    Problems(String source) {
        this.source = source;
    }

    String source() {
        return source;
    }

    /** {@code path} is a key path like {@code healthcheck.timeout} or {@code files[1]}; empty for the whole file. */
    void add(String path, String what) {
        found.add(new Problem(path, what, found.size()));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Where each key path starts in the file, so that problems are listed in file order. */
    void lines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** @throws ConfigException listing every problem, when there is one */
    void check() {
        if (found.isEmpty()) {
            return;
        }
        List<String> out = found.stream()
                .sorted(Comparator.comparingInt((Problem p) -> lineOf(p.path())).thenComparingInt(Problem::order))
                .map(p -> source + ": " + (p.path().isEmpty() ? "(top level)" : p.path()) + ": " + p.what())
                .toList();
        throw new ConfigException(out);
    }

    private int lineOf(String path) {
        for (String p = path; ; p = parent(p)) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
