package dev.sortie.nginx;

import dev.sortie.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A domain belongs to one app: the first that went live with it. The claims are the other apps'
 * live nginx sites, which name their domains; a wildcard claims every name below it. A deploy checks
 * before its first step, and {@link SiteSwitch} again as it writes the site, under the lock that
 * makes site changes one at a time: two first deploys naming one domain cannot both go live.
 */
public final class DomainClaims {

    private static final Pattern SERVER_NAME = Pattern.compile("(?m)^\\s*server_name\\s+([^;]+);");

    private DomainClaims() {
    }

    /** Throws a ConfigException naming the owner when another app serves one of {@code domains} (or an overlapping wildcard). */
    public static void check(String app, List<String> domains, SiteSwitch sites) throws IOException {
        Map<String, List<String>> claims = claims(sites.siteFile(app).getParent(), app, sites::appOfSiteFile);
        List<String> problems = new ArrayList<>();
        for (String domain : domains) {
            for (Map.Entry<String, List<String>> other : claims.entrySet()) {
                for (String claimed : other.getValue()) {
                    if (overlaps(domain, claimed)) {
                        problems.add("sortie.yml: domains: " + domain + " is taken: app " + other.getKey() + " serves "
                                + (claimed.equals(domain) ? "it" : claimed) + " (a domain belongs to the first app that went live with it;"
                                + " remove it from " + other.getKey() + "'s sortie.yml and deploy " + other.getKey() + " first)");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
    }

    /** Domains per other app, from their site files ({@code APP.conf}, as the managed nginx names them). */
    static Map<String, List<String>> claims(Path sitesDir, String except) throws IOException {
        return claims(sitesDir, except, name -> name.endsWith(".conf") && !name.startsWith(".")
                ? Optional.of(name.substring(0, name.length() - ".conf".length())) : Optional.empty());
    }

    /** Domains per other app, from the files {@code appOf} names an app's site (in nginx mode system, not the system's own). */
    static Map<String, List<String>> claims(Path sitesDir, String except, Function<String, Optional<String>> appOf) throws IOException {
        Map<String, List<String>> claims = new TreeMap<>();
        if (!Files.isDirectory(sitesDir)) {
            return claims;
        }
        try (Stream<Path> files = Files.list(sitesDir)) {
            for (Path f : files.toList()) {
                Optional<String> app = appOf.apply(f.getFileName().toString());
                if (app.isEmpty()) {
                    continue;
                }
                String other = app.get();
                if (other.equals(except)) {
                    continue;
                }
                Matcher m = SERVER_NAME.matcher(Files.readString(f));
                List<String> names = new ArrayList<>();
                while (m.find()) {
                    names.addAll(List.of(m.group(1).trim().split("\\s+")));
                }
                claims.put(other, names);
            }
        }
        return claims;
    }

    /** Whether two server names can match one host: equal, or one is a wildcard covering the other. */
    static boolean overlaps(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        boolean wa = a.startsWith("*.");
        boolean wb = b.startsWith("*.");
        String sa = wa ? a.substring(2) : a;
        String sb = wb ? b.substring(2) : b;
        if (wa && wb) {
            return sa.equals(sb) || sa.endsWith("." + sb) || sb.endsWith("." + sa);
        }
        if (wa) {
            return b.endsWith("." + sa);
        }
        if (wb) {
            return a.endsWith("." + sb);
        }
        return false;
    }
}
