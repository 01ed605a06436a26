/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.io.IOException;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.FlagRules;
import dev.jarl.carrier.Listener;
import dev.jarl.term.NodeName;

/**
 * A carrier whose every connection, accepted or dialled, has the given {@link FlagRules};
 * everything else is the wrapped carrier's ({@link Carriers#withFlags}).
 */
final class FlagRulesCarrier implements Carrier {

    private final Carrier carrier;
    private final FlagRules rules;

    FlagRulesCarrier(Carrier carrier, FlagRules rules) {
        this.carrier = Objects.requireNonNull(carrier, "carrier");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    @Override
    public String name() {
        return carrier.name();
    }

    @Override
    public Listener listen(NodeName self) throws IOException {
        Listener listener = carrier.listen(self);
        return new Listener() {
            @Override
            public CarrierConnection accept() throws IOException {
                return new Connection(listener.accept(), rules);
            }

            @Override
            public boolean isOpen() {
                return listener.isOpen();
            }

            @Override
            public OptionalInt port() {
                return listener.port();
            }

            @Override
            public OptionalInt creation() {
                return listener.creation();
            }

            @Override
            public String address() {
                return listener.address();
            }

            @Override
            public Set<SocketOption<?>> supportedOptions() {
                return listener.supportedOptions();
            }

            @Override
            public <T> void setOption(SocketOption<T> option, T value) throws IOException {
                listener.setOption(option, value);
            }

            @Override
            public <T> T getOption(SocketOption<T> option) throws IOException {
                return listener.getOption(option);
            }

            @Override
            public void close() throws IOException {
                listener.close();
            }
        };
    }

    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        return new Connection(carrier.connect(peer, timeout), rules);
    }

    @Override
    public boolean select(NodeName node) {
        return carrier.select(node);
    }

    @Override
    public String toString() {
        return carrier + " with " + rules;
    }

    /** The wrapped connection with the rules; every other call goes through unchanged. */
    private record Connection(CarrierConnection inner, FlagRules flagRules) implements CarrierConnection {

        @Override
        public void sendHandshake(byte[] message) throws IOException {
            inner.sendHandshake(message);
        }

        @Override
        public byte[] receiveHandshake(Duration timeout) throws IOException {
            return inner.receiveHandshake(timeout);
        }

        @Override
        public void preNodeup() throws IOException {
            inner.preNodeup();
        }

        @Override
        public void postNodeup() throws IOException {
            inner.postNodeup();
        }

        @Override
        public void handshakeComplete(DistChannel channel) {
            inner.handshakeComplete(channel);
        }

        @Override
        public void tick() {
            inner.tick();
        }

        @Override
        public boolean writeQueued() {
            return inner.writeQueued();
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return inner.supportedOptions();
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) throws IOException {
            inner.setOption(option, value);
        }

        @Override
        public <T> T getOption(SocketOption<T> option) throws IOException {
            return inner.getOption(option);
        }

        @Override
        public CarrierStats stats() {
            return inner.stats();
        }

        @Override
        public String peerAddress() {
            return inner.peerAddress();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
