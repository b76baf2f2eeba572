package dev.sortie.nginx;

import com.sun.net.httpserver.HttpServer;
import dev.sortie.config.ServerConfig;
import dev.sortie.service.FreePort;
import dev.sortie.testing.Requirements;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@link SiteSwitch#switchTo} costs: a private nginx on loopback switches one app back and forth between two upstreams N
 * times (after 3 warm-up switches) and prints each switch's time, then the median, min and max. Run by
 * {@code bench/nginx-switch.sh [N]}:
 * <pre>java -cp TEST_CLASSPATH dev.sortie.nginx.SiteSwitchBench [N]</pre>
 * Not a test: a main, run by hand.
 */
public final class SiteSwitchBench {

    private static final String[] RELEASES = {"20261121-120000-aaaaaaa", "20261121-130000-bbbbbbb"};

    private SiteSwitchBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path home = Files.createTempDirectory("sortie-nginx-bench");
        HttpServer[] upstreams = {upstream("A"), upstream("B")};
        ManagedNginx nginx = new ManagedNginx(home, home.resolve("nginx"),
                new ServerConfig.Nginx("127.0.0.1", FreePort.pick(), Requirements.nginx()));
        SiteSwitch sites = new SiteSwitch(nginx);
        try {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < n + 3; i++) {
                int which = i % 2;
                long start = System.nanoTime();
                Optional<String> previous = sites.switchTo("bench", RELEASES[which], List.of("bench.localhost"),
                        upstreams[which].getAddress().getPort(), "/", Duration.ofSeconds(10));
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= 3) {
                    millis.add(ms);
                    System.out.printf(Locale.ROOT, "switch %2d -> %s  %7.1f ms%n", i - 2, RELEASES[which], ms);
                } else {
                    System.out.printf(Locale.ROOT, "warm-up %d      %7.1f ms%s%n", i + 1, ms, previous.isEmpty() ? " (first start)" : "");
                }
            }
            millis.sort(Comparator.naturalOrder());
            double median = millis.size() % 2 == 1 ? millis.get(millis.size() / 2)
                    : (millis.get(millis.size() / 2 - 1) + millis.get(millis.size() / 2)) / 2;
            System.out.printf(Locale.ROOT, "switchTo over %d switches: median %.1f ms, min %.1f ms, max %.1f ms%n",
                    millis.size(), median, millis.getFirst(), millis.getLast());
        } finally {
            nginx.stop(Duration.ofSeconds(10));
            for (HttpServer s : upstreams) {
                s.stop(0);
            }
        }
    }

    private static HttpServer upstream(String body) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
