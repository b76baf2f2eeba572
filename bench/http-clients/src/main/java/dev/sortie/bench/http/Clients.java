package dev.sortie.bench.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** The clients ClientBench compares, each a blocking GET that reads the whole body and returns the status. */
final class Clients {

    interface Client {
        int get(String path) throws IOException;
    }

    static Client of(String name, String base, int bots) throws Exception {
        URI uri = URI.create(base);
        return switch (name) {
            case "urlconnection" -> urlConnection(base);
            case "jdk" -> jdk(base);
            case "apache" -> apache(base, bots);
            case "jetty" -> jetty(base, bots);
            case "netty" -> netty(uri);
            case "raw" -> raw(uri);
            default -> throw new IllegalArgumentException("unknown client " + name
                    + " (known: sortie, urlconnection, jdk, apache, jetty, netty, raw)");
        };
    }

    private static Client urlConnection(String base) {
        System.setProperty("http.maxConnections", "10000");
        return path -> {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection(Proxy.NO_PROXY);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            int status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status;
        };
    }

    private static Client jdk(String base) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
        return path -> {
            try {
                return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        };
    }

    private static Client apache(String base, int bots) {
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(bots * 2).setMaxConnPerRoute(bots * 2).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement().disableContentCompression()
                .build();
        return path -> client.execute(new HttpGet(base + path), response -> {
            EntityUtils.toByteArray(response.getEntity());
            return response.getCode();
        });
    }

    private static Client jetty(String base, int bots) throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        client.setMaxConnectionsPerDestination(bots * 2);
        client.setFollowRedirects(false);
        if (Boolean.getBoolean("jetty.virtual")) {
            client.setExecutor(new org.eclipse.jetty.util.thread.VirtualThreadPool());
        }
        client.start();
        return path -> {
            try {
                return client.newRequest(base + path).send().getStatus();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (Exception e) {
                throw new IOException(e);
            }
        };
    }

    private static final AttributeKey<CompletableFuture<Integer>> PENDING = AttributeKey.valueOf("pending");

    /** One channel per bot (its thread), one event loop: the bot blocks on each answer's future. */
    private static Client netty(URI uri) {
        EventLoopGroup group = new NioEventLoopGroup(1);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                                ctx.channel().attr(PENDING).getAndSet(null).complete(msg.status().code());
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                CompletableFuture<Integer> f = ctx.channel().attr(PENDING).getAndSet(null);
                                if (f != null) {
                                    f.completeExceptionally(cause);
                                }
                                ctx.close();
                            }
                        });
                    }
                });
        String host = uri.getHost() + ":" + uri.getPort();
        ThreadLocal<Channel> channels = new ThreadLocal<>();
        return path -> {
            Channel ch = channels.get();
            if (ch == null || !ch.isActive()) {
                ch = bootstrap.connect(uri.getHost(), uri.getPort()).syncUninterruptibly().channel();
                channels.set(ch);
            }
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            ch.attr(PENDING).set(answer);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            request.headers().set(HttpHeaderNames.HOST, host);
            ch.writeAndFlush(request);
            try {
                return answer.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        };
    }

    /** A socket per bot and a minimal HTTP/1.1 exchange (Content-Length bodies only), to see what is left on the table. */
    private static Client raw(URI uri) {
        record Conn(Socket socket, InputStream in, OutputStream out) {
        }
        ThreadLocal<Conn> conns = new ThreadLocal<>();
        return path -> {
            Conn c = conns.get();
            if (c == null) {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
                c = new Conn(s, new BufferedInputStream(s.getInputStream(), 16384), s.getOutputStream());
                conns.set(c);
            }
            c.out().write(("GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String status = line(c.in());
            long length = 0;
            for (String h = line(c.in()); !h.isEmpty(); h = line(c.in())) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Long.parseLong(h.substring(15).trim());
                }
            }
            c.in().readNBytes((int) length);
            return Integer.parseInt(status.substring(9, 12));
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int ch = in.read(); ch != '\n'; ch = in.read()) {
            if (ch < 0) {
                throw new IOException("connection closed");
            }
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }

    private Clients() {
    }
}
