package dev.jarl.carrier.tls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.OptionalInt;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;

/** A listening TCP socket whose connections speak TLS from the first byte. */
final class TlsListener implements Listener {

    private static final System.Logger LOG = System.getLogger(TlsListener.class.getName());

    private final ServerSocket server;
    private final TlsCarrier carrier;
    private final InetSocketAddress local;

    TlsListener(ServerSocket server, TlsCarrier carrier) {
        this.server = server;
        this.carrier = carrier;
        this.local = (InetSocketAddress) server.getLocalSocketAddress();
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
                throw new IOException("tls listener at " + address() + " closed", e);
            }
            try {
                return carrier.accepted(plain);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "tls: accepted connection at {0} failed: {1}", address(), e.toString());
                plain.close();
            }
        }
    }

    @Override
    public OptionalInt port() {
        return OptionalInt.of(local.getPort());
    }

    @Override
    public OptionalInt creation() {
        return OptionalInt.empty();
    }

    @Override
    public String address() {
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
