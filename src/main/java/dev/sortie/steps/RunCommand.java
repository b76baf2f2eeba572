package dev.sortie.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides how a release starts: {@code run:} in sortie.yml, else the Procfile's {@code web:} line,
 * else {@code java -jar} on the packaged jar. Arguments are words, never a shell string;
 * {@code $NAME} and {@code ${NAME}} are replaced from the instance's environment.
 */
public final class RunCommand {

    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private RunCommand() {
    }

    /** Where a run command came from, for output. */
    public record Choice(List<String> argv, String source) {
    }

    public static Optional<Choice> choose(List<String> configured, Optional<String> procfile, Optional<String> jarName) {
        if (configured != null) {
            return Optional.of(new Choice(configured, "sortie.yml run"));
        }
        if (procfile.isPresent()) {
            Optional<List<String>> web = procfileWeb(procfile.get());
            if (web.isPresent()) {
                return Optional.of(new Choice(web.get(), "Procfile web"));
            }
        }
        return jarName.map(jar -> new Choice(List.of("java", "-jar", jar), "packaged jar"));
    }

    /** The words of a Procfile's {@code web:} line; quotes group words, nothing else is special. */
    static Optional<List<String>> procfileWeb(String procfile) {
        for (String line : procfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("web:")) {
                List<String> words = words(trimmed.substring(4));
                return words.isEmpty() ? Optional.empty() : Optional.of(words);
            }
        }
        return Optional.empty();
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Replaces {@code $NAME} / {@code ${NAME}}; an unknown name is an error rather than an empty string. */
    public static List<String> expand(List<String> argv, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String arg : argv) {
            Matcher m = VARIABLE.matcher(arg);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                String value = env.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("the run command uses $" + name + ", which is not set (set it: add it to the app's env)");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }
}
