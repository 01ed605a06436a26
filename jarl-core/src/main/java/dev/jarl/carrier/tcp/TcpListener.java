package dev.jarl.carrier.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.OptionalInt;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;

/** A listening TCP socket; {@link #accept()} blocks (on a virtual thread) for the next peer. */
final class TcpListener implements Listener {

    private final ServerSocketChannel server;
    private final int maxPacketSize;
    private final InetSocketAddress local;

    TcpListener(ServerSocketChannel server, int maxPacketSize) throws IOException {
        this.server = server;
        this.maxPacketSize = maxPacketSize;
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public CarrierConnection accept() throws IOException {
        SocketChannel channel = server.accept();
        try {
            return new TcpConnection(channel, maxPacketSize);
        } catch (IOException e) {
            channel.close();
            throw e;
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
