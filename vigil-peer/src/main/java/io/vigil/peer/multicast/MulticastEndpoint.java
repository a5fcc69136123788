package io.vigil.peer.multicast;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vigil.peer.Endpoint;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.EndpointStartException;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerListener;
import io.vigil.peer.protocol.MulticastProtocol;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.Nonces;
import io.vigil.peer.wire.WireFormatException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;

/**
 * The multicast member's socket edge around {@link MulticastProtocol}: one UDP socket bound to the group address and
 * port (so it hears only that group), joined on a named interface and sending through it ({@code IP_MULTICAST_IF}).
 *
 * <p>Why the interface is named: without one the kernel picks the interface of the default route, which on many hosts
 * (this project's test machine included) drops the packets. On {@code lo}, Java reports {@code supportsMulticast()}
 * false, yet join and send work; so the flag is not checked.
 *
 * <p>With {@code reconnectAttempts} &gt; 0 a failed join (at start or on resume) or a failed send (the interface went
 * down) does not end the member: {@link MulticastProtocol} retries the join through {@link #join()}, reconnectSleep
 * apart, and {@link #ended()} turns true once it gave up.
 */
public final class MulticastEndpoint implements Endpoint, MulticastProtocol.Io {

    private final Vertx vertx;
    private final EndpointConfig config;
    private final Clock clock;
    private final PeerListener out;
    private final FrameCodec codec;
    private final String nonce = new Nonces().get();
    private final GroupJoiner joiner;
    private DatagramSocket socket;
    private MulticastProtocol protocol;
    private String interfaceName;
    private boolean inGroup;

    /** How the socket joins the group; replaced in tests to make joins fail without touching real interfaces. */
    @FunctionalInterface
    interface GroupJoiner {
        /** @param interfaceName the interface to join on, or null for the OS default */
        Future<Void> join(DatagramSocket socket, String group, String interfaceName);
    }

    /** Joins with the socket itself. */
    static final GroupJoiner SOCKET_JOINER = (socket, group, nif) -> nif == null
            ? socket.listenMulticastGroup(group)
            : socket.listenMulticastGroup(group, nif, null);

    public MulticastEndpoint(Vertx vertx, EndpointConfig config, Clock clock, PeerListener out) {
        this(vertx, config, clock, out, SOCKET_JOINER);
    }

    MulticastEndpoint(Vertx vertx, EndpointConfig config, Clock clock, PeerListener out, GroupJoiner joiner) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.codec = new FrameCodec(config.sharedSecret());
        this.joiner = joiner;
    }

    @Override
    public Future<Void> start(long now) {
        InetAddress group;
        try {
            group = InetAddress.getByName(config.host());
            interfaceName = resolveInterface(config.networkInterface());
        } catch (UnknownHostException | SocketException | IllegalArgumentException e) {
            return Future.failedFuture(new EndpointStartException(ErrorKind.INTERFACE_FAILED, e.getMessage(), e));
        }
        if (!group.isMulticastAddress()) {
            return Future.failedFuture(new EndpointStartException(ErrorKind.BAD_COMMAND, config.host()
                    + " is not a multicast group address; use one in 224.0.0.0/4, e.g. 239.255.0.1", null));
        }
        DatagramSocketOptions options = new DatagramSocketOptions()
                .setReuseAddress(true) // several members on one host share the group port
                .setIpV6(group.getAddress().length == 16)
                .setMulticastTimeToLive(1);
        if (interfaceName != null) {
            options.setMulticastNetworkInterface(interfaceName);
        }
        socket = vertx.createDatagramSocket(options);
        socket.exceptionHandler(e -> out.onError(new PeerError(ErrorKind.IO_ERROR, "multicast socket: "
                + e.getMessage(), clock.millis())));
        return socket.listen(config.port(), group.getHostAddress())
                .recover(e -> Future.failedFuture(new EndpointStartException(ErrorKind.BIND_FAILED, "cannot bind "
                        + config.host() + ":" + config.port() + ": " + e.getMessage(), e)))
                .compose(s -> {
                    s.handler(this::onPacket);
                    protocol = new MulticastProtocol(config.endpointId(), nonce, localHost(), config.port(),
                            config.timing(), config.quorum(), codec.authenticated(), out, this);
                    return joinGroup().transform(ar -> {
                        if (ar.succeeded()) {
                            protocol.start(clock.millis());
                            return Future.<Void>succeededFuture();
                        }
                        String why = "cannot join group " + config.host() + " on interface "
                                + (interfaceName == null ? "(default)" : interfaceName) + ": " + ar.cause().getMessage()
                                + "; name an interface that is up, e.g. --interface lo";
                        if (config.timing().reconnectAttempts() > 0) {
                            protocol.startUnjoined(clock.millis(), why); // retried reconnectSleep apart
                            return Future.<Void>succeededFuture();
                        }
                        return Future.<Void>failedFuture(new EndpointStartException(ErrorKind.INTERFACE_FAILED, why,
                                ar.cause()));
                    });
                })
                .onFailure(e -> socket.close());
    }

    /** The interface name for a configured name or address; null for blank (the OS default). */
    static String resolveInterface(String configured) throws SocketException, UnknownHostException {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        NetworkInterface byName = NetworkInterface.getByName(configured);
        if (byName != null) {
            return byName.getName();
        }
        NetworkInterface byAddress = NetworkInterface.getByInetAddress(InetAddress.getByName(configured));
        if (byAddress != null) {
            return byAddress.getName();
        }
        throw new IllegalArgumentException("no network interface named or addressed '" + configured
                + "'; list them with 'ip link' (e.g. lo, eth0)");
    }

    private String localHost() {
        try {
            if (interfaceName != null) {
                NetworkInterface nif = NetworkInterface.getByName(interfaceName);
                var addresses = nif.getInetAddresses();
                while (addresses.hasMoreElements()) {
                    InetAddress a = addresses.nextElement();
                    if (a.getAddress().length == 4) {
                        return a.getHostAddress();
                    }
                }
            }
            return InetAddress.getLocalHost().getHostAddress();
        } catch (SocketException | UnknownHostException e) {
            return "0.0.0.0";
        }
    }

    private Future<Void> joinGroup() {
        Future<Void> joined;
        try {
            joined = joiner.join(socket, config.host(), interfaceName);
        } catch (RuntimeException e) {
            joined = Future.failedFuture(e);
        }
        return joined.onSuccess(v -> inGroup = true);
    }

    private Future<Void> leaveGroup() {
        inGroup = false;
        return interfaceName == null
                ? socket.unlistenMulticastGroup(config.host())
                : socket.unlistenMulticastGroup(config.host(), interfaceName, null);
    }

    private void onPacket(DatagramPacket packet) {
        long now = clock.millis();
        byte[] bytes = packet.data().getBytes();
        try {
            Frame frame = codec.decode(bytes, bytes.length);
            protocol.received(frame, packet.sender().hostAddress(), packet.sender().port(), now);
        } catch (WireFormatException e) {
            out.onError(new PeerError(e.authentication() ? ErrorKind.AUTH_FAILED : ErrorKind.BAD_FRAME,
                    "datagram from " + packet.sender() + ": " + e.getMessage(), now));
        }
    }

    @Override
    public void send(Frame frame) {
        socket.send(Buffer.buffer(codec.encode(frame)), config.port(), config.host())
                .onFailure(e -> out.onError(new PeerError(ErrorKind.IO_ERROR, "cannot send to group " + config.host()
                        + ":" + config.port() + ": " + e.getMessage(), clock.millis())))
                .onFailure(e -> protocol.groupLost(clock.millis())); // retries the join if reconnectAttempts > 0
    }

    @Override
    public void join() {
        // after a failed send the socket may still count as a member: leave first (quietly), then join afresh
        Future<Void> left = inGroup ? leaveGroup().otherwiseEmpty() : Future.succeededFuture();
        left.compose(v -> joinGroup()).onComplete(ar -> {
            if (ar.succeeded()) {
                protocol.joined(clock.millis());
            } else {
                protocol.joinFailed(clock.millis(), "cannot rejoin group " + config.host() + " on interface "
                        + (interfaceName == null ? "(default)" : interfaceName) + ": " + ar.cause().getMessage());
            }
        });
    }

    @Override
    public void leave() {
        if (!inGroup) {
            return;
        }
        leaveGroup().onFailure(e -> out.onError(new PeerError(ErrorKind.INTERFACE_FAILED, "cannot leave group "
                + config.host() + ": " + e.getMessage(), clock.millis())));
    }

    @Override
    public void tick(long now) {
        protocol.tick(now);
    }

    @Override
    public Future<Void> suspend(long now) {
        protocol.suspend(now);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> resume(long now) {
        protocol.resume(now);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop(long now) {
        protocol.stop(now);
        return socket.close();
    }

    @Override
    public int localPort() {
        return config.port();
    }

    @Override
    public boolean ended() {
        return protocol != null && protocol.ended();
    }

    /** This member's protocol, for tests and the leadership query. */
    public MulticastProtocol protocol() {
        return protocol;
    }
}
