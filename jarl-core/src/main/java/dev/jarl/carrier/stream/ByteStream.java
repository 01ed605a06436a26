/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The reliable byte stream under a {@link StreamConnection}: a TCP or Unix domain socket, or
 * a TLS session over TCP. The connection owns the framing; the stream only moves bytes.
 *
 * <p>Threading: during the handshake one thread uses the stream. Afterwards one thread reads
 * ({@link #read}) while writes ({@link #write}) are serialised by the connection; any thread
 * may call {@link #close()}, which must wake a blocked reader or writer.
 */
public interface ByteStream {

    /**
     * Reads at least one byte into {@code dst}, blocking without a time limit.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Polls for up to {@code nanos} until bytes are ready to read, without blocking in the
     * kernel: a reader about to block calls it first, so a reply that comes within the spin
     * is read without the kernel waking the thread ({@code NodeConfig.readSpin}). Returns
     * true when bytes are ready (or the stream cannot tell, e.g. it failed: the read that
     * follows reports it), false when none came in time or the stream cannot poll
     * ({@link #available()} is -1: no spin). Between polls the thread yields its core to
     * any thread that is ready to run. Called by the reading thread only; allocates nothing.
     */
    default boolean spinForInput(long nanos) {
        long start = System.nanoTime();
        try {
            while (true) {
                int n = available();
                if (n != 0) {
                    return n > 0;
                }
                if (System.nanoTime() - start >= nanos) {
                    return false;
                }
                // yield, not onSpinWait: on a machine with few cores a thread that is due
                // (the peer, a compiler, the collector) gets the core at once (docs/benchmarks.md)
                Thread.yield();
            }
        } catch (IOException e) {
            return true; // the read reports it
        }
    }

    /**
     * How many bytes a read would return without blocking, 0 when it would block, or -1 when
     * the stream cannot tell (the default); cheap (one system call at most) and safe beside a
     * concurrent writer. For {@link #spinForInput}.
     */
    default int available() throws IOException {
        return -1;
    }

    /**
     * Reads at least one byte into {@code into[off..off+len)}, waiting at most
     * {@code timeoutMillis} (positive). A timeout leaves the stream usable.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     * @throws java.net.SocketTimeoutException when nothing arrived in time
     */
    int read(byte[] into, int off, int len, long timeoutMillis) throws IOException;

    /**
     * Writes some bytes of {@code srcs[offset..offset+length)} (a gathering write), blocking
     * until at least one byte is written.
     *
     * @return the number of bytes written
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Whether {@link #writeNoWait} is supported; false by default (a TLS session, whose
     * record layer may have to write a whole record).
     */
    default boolean canWriteNoWait() {
        return false;
    }

    /**
     * Writes what the transport takes at once of {@code srcs[offset..offset+length)}, never
     * blocking; called only while no other thread reads or writes (the connection's reader
     * calling it under the write lock).
     *
     * @return the number of bytes written, possibly 0
     * @throws UnsupportedOperationException unless {@link #canWriteNoWait()}
     */
    default long writeNoWait(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new UnsupportedOperationException("writeNoWait: not supported by " + getClass().getName());
    }

    /** A buffer for {@link #read(ByteBuffer)} of {@code capacity} bytes, direct or on the heap as suits the stream. */
    default ByteBuffer readBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity);
    }

    /** The socket options of the transport under the stream; none by default. */
    default Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    /**
     * Sets a socket option of the transport under the stream.
     *
     * @throws UnsupportedOperationException when the transport has no such option
     */
    default <T> void setOption(SocketOption<T> option, T value) throws IOException {
        throw unsupported(option, supportedOptions());
    }

    /**
     * Reads a socket option of the transport under the stream.
     *
     * @throws UnsupportedOperationException when the transport has no such option
     */
    default <T> T getOption(SocketOption<T> option) throws IOException {
        throw unsupported(option, supportedOptions());
    }

    /**
     * {@code option} if the socket under a stream has it ({@code supported}), for the option
     * methods of the streams over one socket (TCP, Unix sockets, TLS's plain socket):
     * {@code socket.setOption(ByteStream.supported(option, socket.supportedOptions()), value)}.
     *
     * @throws UnsupportedOperationException naming the options there are, when it has not
     */
    static <T> SocketOption<T> supported(SocketOption<T> option, Set<SocketOption<?>> supported) {
        if (!supported.contains(option)) {
            throw unsupported(option, supported);
        }
        return option;
    }

    private static UnsupportedOperationException unsupported(SocketOption<?> option, Set<SocketOption<?>> supported) {
        return new UnsupportedOperationException("option " + option.name() + ": not supported (expected: one of "
                + supported + ")");
    }

    /** The peer's address for logs and errors, e.g. {@code 127.0.0.1:51234} or a socket path. */
    String peerAddress();

    /** Closes the stream at once; idempotent; wakes blocked readers and writers. */
    void close() throws IOException;
}
