package dev.sortie.tls;

import dev.sortie.nginx.SiteSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Answers an app's HTTP-01 challenges through nginx: each answer becomes an exact {@code location} in
 * {@code nginx/acme-challenges/<app>.conf}, which the catch-all server (a domain whose site does not exist yet) and every
 * site include; nginx is reloaded, and the answers are fetched back through nginx, as the ACME server will, before it is
 * asked to look. Rendered into the config rather than served from files, so nginx's workers need no access to the home.
 */
public final class Http01Challenges implements AcmeClient.Http01Responder {

    /** A token or key authorization: base64url and the dot between the two halves (RFC 8555 8.1, 8.3). */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{16,256}(\\.[A-Za-z0-9_-]{16,256})?");
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);
    static final Duration SELF_CHECK = Duration.ofSeconds(10);
    static final String PATH = "/.well-known/acme-challenge/";

    private final SiteSwitch sites;
    private final String app;

    public Http01Challenges(SiteSwitch sites, String app) {
        this.sites = sites;
        this.app = app;
    }

    Path file() {
        return sites.nginx().acmeChallengesDir().resolve(app + ".conf");
    }

    /** The include's text: one exact location an answer. */
    static String render(Map<String, String> answers) {
        StringBuilder conf = new StringBuilder("# ACME HTTP-01 answers, written by Sortie while it orders a certificate.\n");
        answers.forEach((token, body) -> {
            if (!SAFE.matcher(token).matches() || !SAFE.matcher(body).matches() || !body.startsWith(token + ".")) {
                throw new IllegalArgumentException("refusing an ACME challenge token or answer with unexpected characters: " + token);
            }
            conf.append("location = ").append(PATH).append(token).append(" {\n")
                    .append("    default_type text/plain;\n")
                    .append("    return 200 ").append(body).append(";\n")
                    .append("}\n");
        });
        return conf.toString();
    }

    @Override
    public void publish(Map<String, String> answers, List<String> domains) throws TlsFailure {
        try {
            String conf = render(answers);
            Path file = file();
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, conf);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            sites.reload(RELOAD_TIMEOUT);
            for (String domain : domains) {
                for (var answer : answers.entrySet()) {
                    selfCheck(domain, answer.getKey(), answer.getValue());
                }
            }
        } catch (SiteSwitch.SwitchFailed | IOException | IllegalArgumentException e) {
            withdraw();
            throw new TlsFailure("cannot answer the ACME challenge through nginx: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            withdraw();
            Thread.currentThread().interrupt();
            throw new TlsFailure("interrupted while answering the ACME challenge");
        }
    }

    /** Removes the answers; nginx drops them at its next reload (the site switch that follows, usually). */
    @Override
    public void withdraw() {
        try {
            Files.deleteIfExists(file());
        } catch (IOException ignored) {
            // a stale answer is harmless: its token is never asked for again
        }
    }

    private void selfCheck(String domain, String token, String expected) throws TlsFailure, InterruptedException {
        var nginx = sites.nginx();
        long deadline = System.nanoTime() + SELF_CHECK.toNanos();
        String seen;
        while (!(seen = fetch(nginx.listenAddress(), nginx.port(), domain, PATH + token)).equals("200 " + expected)) {
            if (System.nanoTime() > deadline) {
                throw new TlsFailure("nginx does not answer the ACME challenge for " + domain + " at http://" + domain + ":" + nginx.port()
                        + PATH + token + " (it answered " + seen + "); does the site template include the acme_challenges?");
            }
            Thread.sleep(20);
        }
    }

    /** A raw GET through nginx with the domain as Host: "STATUS BODY", or what went wrong. */
    static String fetch(String listen, int port, String host, String path) {
        String address = listen.startsWith("[") ? listen.substring(1, listen.length() - 1) : listen;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: sortie-acme-check\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
            int headersEnd = response.indexOf("\r\n\r\n");
            String[] status = response.substring(0, Math.max(0, response.indexOf("\r\n"))).split(" ");
            if (headersEnd < 0 || status.length < 2) {
                return "no HTTP answer";
            }
            return status[1] + " " + response.substring(headersEnd + 4).strip();
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
    }
}
