/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.util.OptionalInt;

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

    /** Stops accepting; a blocked {@link #accept()} throws. Open connections stay up. */
    @Override
    void close() throws IOException;
}
