/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A {@link ByteStream} over a blocking {@link SocketChannel}, TCP or Unix domain. Blocking
 * channel I/O parks a virtual thread rather than its carrier.
 *
 * <p>Timed reads (the handshake) use the socket adapter's {@code SO_TIMEOUT} for TCP; a Unix
 * domain channel has no adapter, so it waits in a {@link Selector} for the time left, with the
 * channel briefly non-blocking. Either way a timeout leaves the channel usable.
 */
public final class SocketChannelStream implements ByteStream {

    /**
     * Socket buffer size asked for on Unix sockets, whose defaults (about 200 KB on Linux)
     * make every large packet wait on the reader several times over; TCP tunes its own.
     */
    static final int UNIX_BUFFER = 1 << 20;

    private final SocketChannel channel;
    private final InputStream adapter;
    private final String peerAddress;

    /** A stream over the connected {@code channel}; switches it to blocking mode (and {@code TCP_NODELAY} for TCP). */
    public SocketChannelStream(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(true);
        SocketAddress remote = channel.getRemoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            this.adapter = channel.socket().getInputStream();
            this.peerAddress = inet.getAddress().getHostAddress() + ":" + inet.getPort();
        } else {
            this.adapter = null;
            channel.setOption(StandardSocketOptions.SO_SNDBUF, UNIX_BUFFER);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, UNIX_BUFFER);
            this.peerAddress = remote instanceof UnixDomainSocketAddress unix && !unix.getPath().toString().isEmpty()
                    ? unix.getPath().toString() : "unix:" + localName(channel);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        channel.setOption(ByteStream.supported(option, channel.supportedOptions()), value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return channel.getOption(ByteStream.supported(option, channel.supportedOptions()));
    }

    private static String localName(SocketChannel channel) throws IOException {
        SocketAddress local = channel.getLocalAddress();
        return local instanceof UnixDomainSocketAddress unix && !unix.getPath().toString().isEmpty()
                ? unix.getPath().toString() : "unnamed";
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int read(byte[] into, int off, int len, long timeoutMillis) throws IOException {
        if (adapter != null) {
            channel.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            return adapter.read(into, off, len);
        }
        ByteBuffer dst = ByteBuffer.wrap(into, off, len);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int n = channel.read(dst);
                if (n != 0) {
                    return n;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("read timed out after " + timeoutMillis + " ms");
                }
                selector.select(left);
            }
        } finally {
            if (channel.isOpen()) {
                channel.configureBlocking(true);
            }
        }
    }

    /**
     * TCP: the bytes in the socket's receive buffer ({@code FIONREAD} through the channel's
     * socket adapter: {@code SocketChannelImpl.available()} holds only its state lock, never
     * the read or write lock, so a concurrent writer does not hold it up). A Unix domain
     * channel has no adapter and no public way to ask: -1, no spin.
     */
    @Override
    public int available() throws IOException {
        return adapter != null ? adapter.available() : -1;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    public boolean canWriteNoWait() {
        return true;
    }

    /**
     * Switches the channel to non-blocking mode for one write and back: two {@code fcntl}
     * calls, a fraction of a thread wake-up. The caller is the connection's reader (so no read
     * is in progress) and holds the write lock (so no write is).
     */
    @Override
    public long writeNoWait(ByteBuffer[] srcs, int offset, int length) throws IOException {
        channel.configureBlocking(false);
        try {
            return channel.write(srcs, offset, length);
        } finally {
            if (channel.isOpen()) {
                channel.configureBlocking(true);
            }
        }
    }

    @Override
    public String peerAddress() {
        return peerAddress;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
