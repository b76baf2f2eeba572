package dev.sortie.access;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an SSH command line into words without a shell: plain words, 'single-quoted' and
 * "double-quoted" text, nothing else. Anything a shell would expand or act on ({@code $}, backticks,
 * {@code ;}, {@code |}, {@code &}, redirections, globs, backslashes, comments) is refused, so what the
 * words say is exactly what runs.
 */
public final class ShellWords {

    /** Characters a word may hold outside quotes. */
    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,@%+-";

    /** A command line that is not plain words. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private ShellWords() {
    }

    public static List<String> split(String line) throws Refused {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    throw new Refused("unterminated " + (c == '\'' ? "single" : "double") + " quote");
                }
                String quoted = line.substring(i + 1, end);
                for (char q : quoted.toCharArray()) {
                    if (q < ' ' || q == 0x7f) {
                        throw new Refused("control characters are not allowed");
                    }
                    if (c == '"' && (q == '$' || q == '`' || q == '\\' || q == '!')) {
                        throw new Refused("'" + q + "' is not allowed inside double quotes (use single quotes)");
                    }
                }
                word = word == null ? new StringBuilder() : word;
                word.append(quoted);
                i = end + 1;
            } else if (PLAIN.indexOf(c) >= 0) {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
                i++;
            } else {
                throw new Refused(describe(c) + " is not allowed: only plain words and quotes, no shell");
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    private static String describe(char c) {
        if (c < ' ' || c == 0x7f) {
            return c == '\n' ? "a newline" : "a control character";
        }
        return "'" + c + "'";
    }
}
