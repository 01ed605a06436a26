/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carrier.stream.SocketListener;

/** A listening TCP socket whose connections speak TLS from the first byte. */
final class TlsListener extends SocketListener {

    private static final System.Logger LOG = System.getLogger(TlsListener.class.getName());

    private final ServerSocket server;
    private final TlsCarrier carrier;

    TlsListener(ServerSocket server, TlsCarrier carrier, NewConnectionOptions options) {
        super(server, (InetSocketAddress) server.getLocalSocketAddress(), options);
        this.server = server;
        this.carrier = carrier;
    }

    @Override
    public boolean isOpen() {
        return !server.isClosed();
    }

    /**
     * Waits for the next peer. The TLS handshake is not run here but in the connection's first
     * handshake step, so one slow or hostile peer never holds up the acceptor.
     */
    @Override
    public CarrierConnection accept() throws IOException {
        while (true) {
            Socket plain;
            try {
                plain = server.accept();
            } catch (SocketException e) {
                if (server.isClosed()) {
                    throw new IOException("tls listener at " + address() + " closed", e);
                }
                throw new IOException("tls accept at " + address() + ": " + e.getMessage(), e);
            }
            try {
                return carrier.accepted(plain);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "tls: accepted connection at {0} failed: {1}", address(), e.toString());
                plain.close();
            }
        }
    }
}
