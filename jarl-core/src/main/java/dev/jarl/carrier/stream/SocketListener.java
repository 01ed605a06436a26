/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import dev.jarl.carrier.Listener;

/**
 * What every listener on an IP socket shares: its port is what goes to EPMD, its creation
 * comes from EPMD, its address is the bound one, and closing it closes the socket. Subclasses
 * supply {@link #accept()}.
 */
public abstract class SocketListener implements Listener {

    private final Closeable server;
    private final InetSocketAddress local;
    private final NewConnectionOptions options;

    /** A listener on {@code server}, bound to {@code local}, whose carrier applies {@code options} to new connections. */
    protected SocketListener(Closeable server, InetSocketAddress local, NewConnectionOptions options) {
        this.server = server;
        this.local = local;
        this.options = options;
    }

    @Override
    public final Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    @Override
    public final <T> void setOption(SocketOption<T> option, T value) {
        options.set(option, value);
    }

    @Override
    public final <T> T getOption(SocketOption<T> option) {
        return options.get(option);
    }

    @Override
    public final OptionalInt port() {
        return OptionalInt.of(local.getPort());
    }

    @Override
    public final OptionalInt creation() {
        return OptionalInt.empty();
    }

    @Override
    public final Optional<InetAddress> bindAddress() {
        InetAddress a = local.getAddress();
        return a.isAnyLocalAddress() ? Optional.empty() : Optional.of(a);
    }

    @Override
    public final String address() {
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    @Override
    public final void close() throws IOException {
        server.close();
    }
}
