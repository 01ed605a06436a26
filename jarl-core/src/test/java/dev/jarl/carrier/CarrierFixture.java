/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.handshake.Arbiter;
import dev.jarl.term.NodeName;

/**
 * How {@link CarrierContractTest} gets carriers of one kind: one carrier for a listening node,
 * and one for a node that dials it. Fixtures for the common shapes are the static methods
 * below; a carrier with its own needs implements the interface.
 */
public interface CarrierFixture extends AutoCloseable {

    /** The loopback address every fixture listens on. */
    InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Accepts every peer, as a node with no other connections would (a test fixture: the internal type is fine here). */
    @SuppressWarnings("exports")
    Arbiter ARBITER = new Arbiter() {
        @Override
        public Status markPending(NodeName peer, long peerFlags, int peerCreation) {
            return Status.OK;
        }

        @Override
        public boolean isPending(NodeName peer) {
            return false;
        }

        @Override
        public void awaitPreviousDown(NodeName peer, Duration timeout) {
        }
    };

    /** The carrier's name, shown in test names. */
    String name();

    /** The carrier of a node named {@code self} that will listen. */
    Carrier carrier(NodeName self) throws IOException;

    /** The carrier of a node named {@code self} that dials the node behind {@code server}. */
    Carrier dialer(NodeName self, Listener server) throws IOException;

    /**
     * A dialer whose connections {@link #cut()} can break as a failing network would, or
     * empty when this fixture cannot break a transport (the failure test is then skipped).
     */
    default Optional<Carrier> cuttableDialer(NodeName self, Listener server) throws IOException {
        return Optional.empty();
    }

    /** Breaks every connection made by a {@link #cuttableDialer}. */
    default void cut() {
    }

    @Override
    default void close() throws IOException {
    }

    /**
     * A carrier that finds peers through an {@link AddressResolver} and listens on the port
     * {@link Listener#port()} reports (tcp, tls, udp): the dialer resolves every name to that
     * port on loopback. No cut: use {@link #resolvedOverTcp} for a TCP-based carrier.
     *
     * @param factory the carrier for a resolver; it should listen on loopback only
     */
    static CarrierFixture resolved(String name, Function<AddressResolver, Carrier> factory) {
        return new Resolved(name, factory, false);
    }

    /** As {@link #resolved}, for a carrier over TCP: a cuttable dialer goes through a {@link Relay}. */
    static CarrierFixture resolvedOverTcp(String name, Function<AddressResolver, Carrier> factory) {
        return new Resolved(name, factory, true);
    }

    /** The Unix socket carrier in a fresh directory; a cuttable dialer uses a relay socket in a second one. */
    static CarrierFixture uds() throws IOException {
        return new Uds();
    }

    /** The in-JVM carrier: every node of the fixture on one {@link MemNetwork}, which can cut connections. */
    static CarrierFixture mem() {
        return new Mem();
    }

    /** See {@link CarrierFixture#mem()}. */
    final class Mem implements CarrierFixture {
        private final MemNetwork network = new MemNetwork();
        private final List<NodeName[]> pairs = new CopyOnWriteArrayList<>();
        private final java.util.Map<NodeName, Carrier> dialers = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Listener> dialerListeners = new CopyOnWriteArrayList<>();
        private volatile NodeName listening;

        Mem() {
        }

        @Override
        public String name() {
            return "mem";
        }

        @Override
        public Carrier carrier(NodeName self) {
            listening = self;
            return network.carrier();
        }

        /** A mem carrier dials in its node's name, so a dialer listens first (once per name). */
        @Override
        public Carrier dialer(NodeName self, Listener server) throws IOException {
            Carrier c = dialers.get(self);
            if (c == null) {
                c = network.carrier();
                dialerListeners.add(c.listen(self));
                dialers.put(self, c);
            }
            return c;
        }

        @Override
        public Optional<Carrier> cuttableDialer(NodeName self, Listener server) throws IOException {
            pairs.add(new NodeName[] {self, listening});
            return Optional.of(dialer(self, server));
        }

        @Override
        public void cut() {
            pairs.forEach(p -> network.cut(p[0], p[1]));
        }

        @Override
        public void close() throws IOException {
            for (Listener l : dialerListeners) {
                l.close();
            }
        }

        @Override
        public String toString() {
            return "mem";
        }
    }

    /** A fixture whose cuttable dialers go through {@link Relay}s it keeps. */
    abstract class Relaying implements CarrierFixture {
        final List<Relay> relays = new CopyOnWriteArrayList<>();

        /** For subclasses. */
        protected Relaying() {
        }

        @Override
        public void cut() {
            relays.forEach(Relay::cut);
        }

        @Override
        public void close() throws IOException {
            for (Relay r : relays) {
                r.close();
            }
        }
    }

    /** See {@link CarrierFixture#resolved}. */
    final class Resolved extends Relaying {
        private final String name;
        private final Function<AddressResolver, Carrier> factory;
        private final boolean relayable;

        Resolved(String name, Function<AddressResolver, Carrier> factory, boolean relayable) {
            this.name = name;
            this.factory = factory;
            this.relayable = relayable;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Carrier carrier(NodeName self) {
            return factory.apply((node, timeout) -> {
                throw new IOException("no address for " + node + " in this fixture");
            });
        }

        @Override
        public Carrier dialer(NodeName self, Listener server) {
            return factory.apply(AddressResolver.fixed(new InetSocketAddress(LOOPBACK, server.port().orElseThrow())));
        }

        @Override
        public Optional<Carrier> cuttableDialer(NodeName self, Listener server) throws IOException {
            if (!relayable) {
                return Optional.empty();
            }
            Relay relay = new Relay(new InetSocketAddress(LOOPBACK, 0),
                    new InetSocketAddress(LOOPBACK, server.port().orElseThrow()));
            relays.add(relay);
            return Optional.of(factory.apply(AddressResolver.fixed(new InetSocketAddress(LOOPBACK, relay.port()))));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** See {@link CarrierFixture#uds()}. */
    final class Uds extends Relaying {
        private final Path dir = Files.createTempDirectory("jarl-uds");
        private final Path relayDir = Files.createTempDirectory("jarl-uds-relay");

        Uds() throws IOException {
        }

        @Override
        public String name() {
            return "uds";
        }

        @Override
        public Carrier carrier(NodeName self) {
            return Carriers.uds(UdsOptions.of(dir));
        }

        @Override
        public Carrier dialer(NodeName self, Listener server) {
            return Carriers.uds(UdsOptions.of(dir));
        }

        @Override
        public Optional<Carrier> cuttableDialer(NodeName self, Listener server) throws IOException {
            Path target = Path.of(server.address());
            Relay relay = new Relay(UnixDomainSocketAddress.of(relayDir.resolve(target.getFileName())),
                    UnixDomainSocketAddress.of(target));
            relays.add(relay);
            return Optional.of(Carriers.uds(UdsOptions.of(relayDir)));
        }

        @Override
        public void close() throws IOException {
            super.close();
            for (Path d : List.of(dir, relayDir)) {
                try (var files = Files.list(d)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(d);
            }
        }

        @Override
        public String toString() {
            return "uds";
        }
    }
}
