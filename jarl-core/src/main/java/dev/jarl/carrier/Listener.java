/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketOption;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A listening endpoint of a {@link Carrier}: OTP's {@code {Listen, Address, Creation}}.
 * One acceptor thread of the node calls {@link #accept()} in a loop.
 *
 * <p>A failed {@link #accept()} does not end that loop while the listener {@link #isOpen()
 * is open}: the node backs off and calls it again, as {@code net_kernel} starts a new acceptor
 * when one exits (running out of file descriptors, say, passes). A listener that is no longer
 * open stops the node, with the reason, as {@code net_kernel} stops without its listen socket.
 */
public interface Listener extends AutoCloseable {

    /**
     * Waits for the next incoming transport, ready for the accepting side of the handshake.
     *
     * @throws IOException when the listener was closed, or this one accept failed (the node
     *                     tries again after a pause while {@link #isOpen()} says so)
     */
    CarrierConnection accept() throws IOException;

    /**
     * False once the listener is closed or broken for good, so that no later
     * {@link #accept()} can succeed. The default, true, suits a listener whose failures all
     * pass; a listener that can break for good overrides it.
     */
    default boolean isOpen() {
        return true;
    }

    /** The port to publish in EPMD, or empty when this carrier does not use EPMD. */
    OptionalInt port();

    /**
     * The creation this listener determined itself (Unix sockets keep it in a file), or empty
     * when the creation comes from EPMD registration.
     */
    OptionalInt creation();

    /** A human-readable address for logs, e.g. {@code 127.0.0.1:41235}. */
    String address();

    /**
     * The one IP address this listener is bound to, or empty when it listens on every
     * address (or on none: a carrier without IP addresses). A node that starts its embedded
     * EPMD binds it to this address too. Empty by default.
     */
    default Optional<InetAddress> bindAddress() {
        return Optional.empty();
    }

    /**
     * The options {@link #setOption} takes for connections set up from now on; none by
     * default.
     */
    default Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    /**
     * Sets an option for every connection of this carrier set up from now on, accepted or
     * dialled: OTP's optional {@code M:setopts(Listen, Opts)}, which
     * {@code net_kernel:setopts(new, Opts)} reaches. Connections already up keep theirs.
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     * @throws IllegalArgumentException      when the value is not valid for the option
     */
    default <T> void setOption(SocketOption<T> option, T value) throws IOException {
        throw new UnsupportedOperationException("option " + option.name() + ": not supported by this carrier"
                + " (expected: one of " + supportedOptions() + ")");
    }

    /**
     * The value {@link #setOption} set for new connections, or null when none was set (they
     * get the carrier's default): OTP's optional {@code M:getopts(Listen, Opts)}.
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     */
    default <T> T getOption(SocketOption<T> option) throws IOException {
        throw new UnsupportedOperationException("option " + option.name() + ": not supported by this carrier"
                + " (expected: one of " + supportedOptions() + ")");
    }

    /** Stops accepting; a blocked {@link #accept()} throws. Open connections stay up. */
    @Override
    void close() throws IOException;
}
