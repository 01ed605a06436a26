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
 */
public interface Listener extends AutoCloseable {

    /**
     * Waits for the next incoming transport, ready for the accepting side of the handshake.
     *
     * @throws IOException when the listener was closed or failed; the acceptor then stops
     */
    CarrierConnection accept() throws IOException;

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
