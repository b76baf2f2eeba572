package dev.sortie.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.service.FreePort;
import dev.sortie.testing.Proc;
import dev.sortie.testing.Requirements;
import dev.sortie.testing.TestCa;
import dev.sortie.testing.Wrk;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS end to end against Debian's pebble on loopback: pebble validates HTTP-01 for real, by connecting to the managed
 * nginx's HTTP port for the domain (pebble-challtestsrv is its DNS, answering 127.0.0.1), and issues the certificate
 * curl checks against pebble's root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class TlsE2ETest {

    static final String APP = "shop";
    static final String DOMAIN = "shop.test";

    @TempDir
    static Path tmp;

    static InstalledSortie sortie;
    static Path project;
    static Process challtestsrv;
    static Process pebble;
    static int httpsPort;
    static int challtestsrvPort;
    static Path pebbleRoot;
    static BigInteger firstSerial;
    static BigInteger renewedSerial;

    @BeforeAll
    static void pebbleAndSortie() throws Exception {
        String pebbleBin = Requirements.program("pebble", "pebble");
        String challtestsrvBin = Requirements.program("pebble-challtestsrv", "pebble");
        Requirements.curl();
        sortie = new InstalledSortie(tmp);
        httpsPort = FreePort.pick();
        int dnsPort = FreePort.pick();
        challtestsrvPort = FreePort.pick();
        int acmePort = FreePort.pick();
        int managementPort = FreePort.pick();

        // pebble's own HTTPS (its directory and management API) with a certificate of a CA made here: acme.ca_cert
        Path pki = Files.createDirectories(tmp.resolve("pki"));
        TestCa ca = new TestCa("Sortie test CA for pebble");
        Path caCert = ca.writeCert(pki.resolve("ca.pem"));
        ca.issue(List.of("127.0.0.1", "localhost"), Duration.ofDays(1), pki.resolve("pebble.pem"), pki.resolve("pebble.key"));
        Path config = Files.writeString(pki.resolve("pebble-config.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(acmePort, managementPort, pki.resolve("pebble.pem"), pki.resolve("pebble.key"), sortie.nginxPort,
                FreePort.pick()));
        challtestsrv = new ProcessBuilder(challtestsrvBin, "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "",
                "-tlsalpn01", "", "-management", "127.0.0.1:" + challtestsrvPort, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("challtestsrv.log").toFile()).start();
        ProcessBuilder pb = new ProcessBuilder(pebbleBin, "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("pebble.log").toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pebble = pb.start();
        awaitPort(challtestsrvPort, challtestsrv, "challtestsrv.log");
        awaitPort(acmePort, pebble, "pebble.log");
        awaitPort(managementPort, pebble, "pebble.log");

        // pebble makes a new root at every start: the one to check the served certificate against
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(caCert)).build();
        HttpResponse<String> root = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, root.statusCode(), root.body());
        pebbleRoot = Files.writeString(pki.resolve("pebble-root.pem"), root.body());

        Files.writeString(sortie.home.resolve("sortie.yml"), """
                nginx:
                  port: %d
                  https_port: %d
                drain: 1s
                stop_timeout: 5s
                acme:
                  directory: https://127.0.0.1:%d/dir
                  ca_cert: %s
                """.formatted(sortie.nginxPort, httpsPort, acmePort, caCert));
        sortie.sortie("apps", "create", APP).assertOk();
        project = sortie.project(FaultsE2ETest.fixture("plain"), APP, APP);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (sortie != null) {
                sortie.close();
            }
        } finally {
            for (Process p : new Process[] {pebble, challtestsrv}) {
                if (p != null) {
                    p.destroy();
                    p.waitFor();
                }
            }
        }
    }

    @Test
    @Order(1)
    void tlsAutoServesTheReleaseOverHttpsWithACertificateFromPebble() throws Exception {
        writeConfig("tls: auto\n");
        Files.writeString(project.resolve("message.txt"), "v1\n");
        Proc.Result push = sortie.commitAndPush(project, "v1 with tls").assertOk();
        assertTrue(push.output().contains("HTTPS: new certificate from ACME (no certificate yet)"), push.output());
        assertTrue(push.output().contains("is live at https://" + DOMAIN + ":" + httpsPort + "/"), "the live line names the HTTPS URL:\n"
                + push.output());

        Proc.Result https = curlHttps("/");
        assertEquals("v1\n200", https.output().strip(), https.output());
        firstSerial = servedSerial();
        Path tls = sortie.home.resolve("tls");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(APP).resolve("key.pem"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("account.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        // plain HTTP still serves without https_redirect
        assertTrue(sortie.curl("http://127.0.0.1:" + sortie.nginxPort + "/").output().contains("404"), "the catch-all answers an unknown host");
        Proc.Result http = curl("-H", "Host: " + DOMAIN, "http://127.0.0.1:" + sortie.nginxPort + "/");
        assertTrue(http.output().startsWith("v1\n"), http.output());
    }

    @Test
    @Order(2)
    void aRedeployReusesTheCertificate() throws Exception {
        Files.writeString(project.resolve("message.txt"), "v2\n");
        Proc.Result push = sortie.commitAndPush(project, "v2").assertOk();
        assertTrue(push.output().contains("HTTPS: certificate reused"), push.output());
        assertEquals("v2\n200", curlHttps("/").output().strip(), "https serves the new release");
        assertEquals(firstSerial, servedSerial(), "the same certificate serves on");
    }

    @Test
    @Order(3)
    void aRenewalSwapsTheCertificateUnderLoadWithoutAFailedRequest() throws Exception {
        CompletableFuture<Wrk.Counts> load = Wrk.start("http://127.0.0.1:" + sortie.nginxPort + "/", DOMAIN, 4, 8);
        Thread.sleep(1500);
        Proc.Result renew = sortie.sortie("tls", "renew", APP).assertOk();
        assertTrue(renew.output().contains("Renewed the certificate of shop (shop.test): serial "), renew.output());
        renewedSerial = servedSerial();
        Wrk.Counts counts = load.join();
        System.out.println("[TlsE2ETest] renewal under load: " + counts.requests() + " requests, " + counts.non2xx() + " non-2xx, "
                + counts.socketErrors() + " socket errors (" + counts.readErrors() + " reads)");
        assertNotEquals(firstSerial, renewedSerial, "nginx serves the renewed certificate once the command returned");
        assertTrue(renew.output().contains(renewedSerial.toString(16).toUpperCase(Locale.ROOT)), renew.output());
        assertTrue(counts.requests() > 100, counts.output());
        assertEquals(0, counts.non2xx(), counts.output());
        assertEquals("v2\n200", curlHttps("/").output().strip());
        Proc.Result list = sortie.sortie("tls").assertOk();
        assertTrue(list.output().contains(renewedSerial.toString(16).toUpperCase(Locale.ROOT).substring(0, 8)), list.output());
    }

    @Test
    @Order(4)
    void httpsRedirectSendsPlainHttpToHttps() throws Exception {
        writeConfig("tls: auto\nhttps_redirect: true\n");
        Files.writeString(project.resolve("message.txt"), "v3\n");
        sortie.commitAndPush(project, "v3 redirects").assertOk();
        Proc.Result http = curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-H", "Host: " + DOMAIN,
                "http://127.0.0.1:" + sortie.nginxPort + "/notes?x=1");
        assertEquals("301 https://" + DOMAIN + ":" + httpsPort + "/notes?x=1", http.output().strip());
        assertEquals("v3\n200", curlHttps("/").output().strip());
        assertEquals(renewedSerial, servedSerial());
    }

    @Test
    @Order(5)
    void anAcmeFailureFailsTheDeployBeforeTrafficMovesWithPebblesMessage() throws Exception {
        // pebble's DNS sends bad.test to 127.0.0.2, where nothing listens: its HTTP-01 validation cannot connect
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + challtestsrvPort + "/add-a"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"host\":\"bad.test\",\"addresses\":[\"127.0.0.2\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String live = sortie.sortie("releases", APP).assertOk().output();
        writeConfig("tls: auto\nhttps_redirect: true\ndomains: [shop.test, bad.test]\n");
        Files.writeString(project.resolve("message.txt"), "v4\n");
        Proc.Result push = sortie.commitAndPush(project, "v4 with a domain pebble cannot validate");
        String out = push.output();
        assertTrue(out.contains("configure_nginx"), out);
        assertTrue(out.contains("the ACME server could not validate bad.test over HTTP-01: "), out);
        assertTrue(out.toLowerCase(Locale.ROOT).contains("connection refused"), "pebble's own words: " + out);
        assertTrue(out.contains("is still serving"), out);
        assertEquals("v3\n200", curlHttps("/").output().strip(), "the previous release still serves");
        assertEquals(renewedSerial, servedSerial(), "and its certificate");
        String releases = sortie.sortie("releases", APP).assertOk().output();
        assertTrue(releases.contains("failed"), releases);
        assertEquals(liveRelease(live), liveRelease(releases), "the live release did not change");
        System.out.println("[TlsE2ETest] the failed push said:\n" + out);
    }

    @Test
    @Order(6)
    void givenFilesInTheServerConfigAreServedAndNothingIsOrdered() throws Exception {
        // tls: {cert, key} in the server config: a certificate of the server's own CA (a company CA, a wildcard bought elsewhere)
        Path given = Files.createDirectories(tmp.resolve("given"));
        TestCa company = new TestCa("Sortie test company CA");
        Path companyCa = company.writeCert(given.resolve("company-ca.pem"));
        BigInteger serial = company.issue(List.of(DOMAIN), Duration.ofDays(30), given.resolve("fullchain.pem"), given.resolve("key.pem"))
                .getSerialNumber();
        sortie.sortie("server", "stop").assertOk(); // the daemon reads the server config when it starts
        Path server = sortie.home.resolve("sortie.yml");
        Files.writeString(server, Files.readString(server) + "tls:\n  cert: " + given.resolve("fullchain.pem") + "\n  key: "
                + given.resolve("key.pem") + "\n");
        writeConfig(""); // no tls: key in the app: the server's files serve every app's site
        Files.writeString(project.resolve("message.txt"), "v5\n");
        Proc.Result push = sortie.commitAndPush(project, "v5 with the server's certificate").assertOk();
        assertTrue(push.output().contains("is live at https://" + DOMAIN + ":" + httpsPort + "/"), push.output());
        assertTrue(!push.output().contains("from ACME"), "nothing is ordered:\n" + push.output());
        Proc.Result https = curl("--cacert", companyCa.toString(), "--resolve", DOMAIN + ":" + httpsPort + ":127.0.0.1",
                "-w", "%{http_code}", "https://" + DOMAIN + ":" + httpsPort + "/");
        assertEquals("v5\n200", https.output().strip(), "curl checks the served certificate against the given CA: " + https.output());
        assertEquals(serial, servedSerial(companyCa), "the given certificate is the one served");
    }

    /** The id on the {@code *} line of {@code sortie releases}. */
    private static String liveRelease(String releases) {
        return releases.lines().filter(l -> l.startsWith("*")).findFirst().orElseThrow().split("\\s+")[1];
    }

    private static void writeConfig(String tls) throws IOException {
        Files.writeString(project.resolve("sortie.yml"), """
                run: [java, Server.java]
                healthcheck:
                  path: /health
                  timeout: 60s
                """ + (tls.contains("domains:") ? "" : "domains: [shop.test]\n") + tls);
    }

    private static Proc.Result curlHttps(String path) throws IOException, InterruptedException {
        return curl("--cacert", pebbleRoot.toString(), "--resolve", DOMAIN + ":" + httpsPort + ":127.0.0.1",
                "-w", "%{http_code}", "https://" + DOMAIN + ":" + httpsPort + path);
    }

    private static Proc.Result curl(String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        argv.addAll(List.of(args));
        return Proc.run(tmp, Map.of(), 30, argv);
    }

    /** The serial of the certificate nginx serves for the domain, from a real handshake checked against pebble's root. */
    private static BigInteger servedSerial() throws Exception {
        return servedSerial(pebbleRoot);
    }

    /** The serial of the certificate nginx serves for the domain, checked against {@code root}. */
    private static BigInteger servedSerial(Path root) throws Exception {
        SSLContext ssl = trusting(root);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", httpsPort), 2000);
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(DOMAIN)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    private static void awaitPort(int port, Process process, String log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("port " + port + " never opened: " + Files.readString(tmp.resolve(log)));
                }
                Thread.sleep(50);
            }
        }
    }
}
