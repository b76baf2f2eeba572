package dev.sortie.examples.hello;

import java.util.LinkedHashMap;
import java.util.Map;

/** Just enough JSON for this app: a strict parser for flat objects of strings and a string quoter. */
public final class Json {

    private final String in;
    private int pos;

    private Json(String in) {
        this.in = in;
    }

    /** Thrown when a request body is not the flat JSON object this app understands. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message, int position) {
            super(message + " at offset " + position);
        }
    }

    /**
     * Parses a JSON object whose values are all strings, such as {@code {"text": "hi"}}.
     * Nested objects, arrays, numbers, booleans, null and duplicate keys are rejected.
     */
    public static Map<String, String> parseFlatObject(String text) throws ParseException {
        Json parser = new Json(text);
        Map<String, String> members = parser.object();
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected content after the object");
        }
        return members;
    }

    /** Returns {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i)); // a valid pair is copied as is
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)) {
                        // control characters must be escaped; line separators and lone surrogates
                        // are escaped too so the output is safe in JavaScript and valid UTF-8
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private Map<String, String> object() throws ParseException {
        skipWhitespace();
        expect('{');
        Map<String, String> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyStart = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string value for " + quote(key));
            }
            String value = string();
            if (members.putIfAbsent(key, value) != null) {
                throw new ParseException("duplicate key " + quote(key), keyStart);
            }
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return members;
            } else {
                throw error("expected ',' or '}'");
            }
        }
    }

    private String string() throws ParseException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= in.length()) {
                throw error("unterminated string");
            }
            char c = in.charAt(pos++);
            if (c == '"') {
                return out.toString();
            } else if (c == '\\') {
                escape(out);
            } else if (c < 0x20) {
                throw new ParseException("unescaped control character in string", pos - 1);
            } else {
                out.append(c);
            }
        }
    }

    private void escape(StringBuilder out) throws ParseException {
        if (pos >= in.length()) {
            throw error("unterminated escape");
        }
        char c = in.charAt(pos++);
        switch (c) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                int start = pos - 2;
                char unit = hex4();
                if (Character.isLowSurrogate(unit)) {
                    throw new ParseException("lone low surrogate escape", start);
                }
                out.append(unit);
                if (Character.isHighSurrogate(unit)) {
                    // a high surrogate must be followed by an escaped low surrogate
                    if (!in.startsWith("\\u", pos)) {
                        throw new ParseException("lone high surrogate escape", start);
                    }
                    pos += 2;
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        throw new ParseException("lone high surrogate escape", start);
                    }
                    out.append(low);
                }
            }
            default -> throw new ParseException("invalid escape \\" + c, pos - 2);
        }
    }

    private char hex4() throws ParseException {
        if (pos + 4 > in.length()) {
            throw error("truncated \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            char c = in.charAt(pos + i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                digit = c - 'A' + 10;
            } else {
                throw new ParseException("invalid hex digit in \\u escape", pos + i);
            }
            value = value << 4 | digit;
        }
        pos += 4;
        return (char) value;
    }

    private void skipWhitespace() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() throws ParseException {
        if (pos >= in.length()) {
            throw error("unexpected end of input");
        }
        return in.charAt(pos);
    }

    private void expect(char c) throws ParseException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private ParseException error(String message) {
        return new ParseException(message, pos);
    }
}
