package dev.sortie.release;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Release ids sort by time and say what they hold: {@code 20261121-120305-3f2a9c1} (UTC time, short sha). */
public final class ReleaseId {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern VALID = Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{7}(-\\d+)?");

    private ReleaseId() {
    }

    public static String of(Instant time, String commit) {
        if (!commit.matches("[0-9a-f]{7,40}")) {
            throw new IllegalArgumentException("not a commit id: " + commit);
        }
        return STAMP.format(time) + "-" + commit.substring(0, 7);
    }

    /** The id with a counter when {@code taken} says the plain one is used (two deploys in one second). */
    public static String unique(Instant time, String commit, Predicate<String> taken) {
        String base = of(time, commit);
        String id = base;
        for (int n = 2; taken.test(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
