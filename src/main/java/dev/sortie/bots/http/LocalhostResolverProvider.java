package dev.sortie.bots.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Makes every name ending in {@code .localhost} resolve to loopback in this JVM, as curl and
 * browsers do (RFC 6761), so bots can target {@code http://hello.localhost:8480} like a person
 * would. Every other name goes to the JDK's own resolver. Registered in META-INF/services.
 */
public final class LocalhostResolverProvider extends InetAddressResolverProvider {

    private static final InetAddress V4 = address("localhost", new byte[] {127, 0, 0, 1});
    private static final InetAddress V6 = address("localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (!isLocalhostName(host)) {
                    return builtin.lookupByName(host, policy);
                }
                int c = policy.characteristics();
                boolean v4 = (c & LookupPolicy.IPV4) != 0;
                boolean v6 = (c & LookupPolicy.IPV6) != 0;
                if (v4 && v6) {
                    return (c & LookupPolicy.IPV6_FIRST) != 0 ? Stream.of(V6, V4) : Stream.of(V4, V6);
                }
                return v6 ? Stream.of(V6) : Stream.of(V4);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "sortie-localhost";
    }

    static boolean isLocalhostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.endsWith(".localhost") && h.length() > ".localhost".length();
    }

    private static InetAddress address(String name, byte[] bytes) {
        try {
            return InetAddress.getByAddress(name, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
