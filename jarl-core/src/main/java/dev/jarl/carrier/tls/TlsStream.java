/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import dev.jarl.carrier.stream.ByteStream;

/**
 * A TLS session over one TCP socket as a {@link ByteStream}: an {@link SSLSocket} layered on
 * a plain socket, used from virtual threads (the JDK's TLS socket guards its state with
 * {@link ReentrantLock}s and its socket I/O parks virtual threads, so blocking here costs no
 * platform thread).
 *
 * <p>The TLS handshake runs before the first byte of the distribution handshake is read or
 * written, on the thread that asks for it, bounded by that step's time: eagerly in
 * {@code connect} on the dialing side, and on the accepting side in the first
 * {@code receiveHandshake}, so a peer that never finishes stalls only its own connection, not
 * the listener. Its failure is one {@link IOException} that says what went wrong: no answer
 * in time, a certificate that does not verify, or a peer that does not speak TLS.
 *
 * <p>Writes go through a buffer of one TLS record's payload (16 KiB), so a gathering write of
 * many small packets becomes few records. {@link #close()} closes the plain socket at once:
 * one fate must not wait on a {@code close_notify} behind a stalled writer.
 */
final class TlsStream implements ByteStream {

    /** Handshake-session key under which the server's trust manager notes a client certificate it refused. */
    static final String UNTRUSTED = "dev.jarl.tls.untrusted-client-certificate";

    /** The largest TLS record payload. */
    static final int RECORD = 16 * 1024;

    private final Socket plain;
    private final SSLSocket ssl;
    private final String peerAddress;
    private final ReentrantLock handshakeLock = new ReentrantLock();
    private volatile boolean handshaken;
    private volatile boolean blocking;
    private InputStream in;
    /** The plain socket's input, for {@link #available()}; set with {@link #in}. */
    private InputStream plainIn;
    private OutputStream out;
    private byte[] scratch;
    /** The writers' array for buffers without an accessible one; writes are serialised by the connection. */
    private byte[] writeScratch;

    TlsStream(Socket plain, SSLSocket ssl) {
        this.plain = plain;
        this.ssl = ssl;
        InetSocketAddress remote = (InetSocketAddress) plain.getRemoteSocketAddress();
        this.peerAddress = remote == null ? "?" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return plain.supportedOptions();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        plain.setOption(ByteStream.supported(option, plain.supportedOptions()), value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return plain.getOption(ByteStream.supported(option, plain.supportedOptions()));
    }

    /** Runs the TLS handshake unless it ran already, waiting at most {@code timeoutMillis}. */
    void handshake(long timeoutMillis) throws IOException {
        if (handshaken) {
            return;
        }
        handshakeLock.lock();
        try {
            if (handshaken) {
                return;
            }
            ssl.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis)));
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                SocketTimeoutException t = new SocketTimeoutException("tls handshake with " + peerAddress
                        + ": not finished within " + timeoutMillis + " ms");
                t.initCause(e);
                throw t;
            } catch (IOException e) {
                throw new IOException("tls handshake with " + peerAddress + ": " + explain(e), e);
            }
            Object refused = ssl.getSession().getValue(UNTRUSTED);
            if (refused != null) {
                plain.close();
                throw new IOException("tls handshake with " + peerAddress
                        + ": peer certificate: not trusted (expected: a chain to one of the CA certificates): " + refused);
            }
            in = ssl.getInputStream();
            plainIn = plain.getInputStream();
            out = new BufferedOutputStream(ssl.getOutputStream(), RECORD);
            handshaken = true;
        } finally {
            handshakeLock.unlock();
        }
    }

    /** What a failed TLS handshake means, in the words an operator needs. */
    static String explain(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException || t.getClass().getSimpleName().equals("SunCertPathBuilderException")) {
                return "peer certificate: not trusted (expected: a chain to one of the CA certificates): " + t.getMessage();
            }
            if (t instanceof CertificateException && t.getMessage() != null && t.getMessage().contains("name")) {
                return "peer certificate: does not name the peer's host (expected: a subject alternative name for it): "
                        + t.getMessage();
            }
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof SSLException && !(e instanceof SSLHandshakeException)
                && (m.contains("plaintext") || m.contains("Unsupported or unrecognized SSL message"))) {
            return "peer does not speak TLS (expected: a TLS record): " + m;
        }
        if (m.contains("bad_certificate") || m.contains("certificate_required") || m.contains("unknown_ca")
                || m.contains("certificate_unknown")) {
            return "peer refused our certificate: " + m;
        }
        return m;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        handshake(Integer.MAX_VALUE);
        if (!blocking) {
            ssl.setSoTimeout(0);
            blocking = true;
        }
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        if (scratch == null) {
            scratch = new byte[RECORD];
        }
        int n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
        if (n > 0) {
            dst.put(scratch, 0, n);
        }
        return n;
    }

    /**
     * Decrypted bytes the TLS socket holds, else the bytes in the plain socket's receive
     * buffer ({@code FIONREAD}; they may be a partial record or one that carries no data,
     * so a spin can end early and the read then blocks as it would have); -1 before the
     * handshake.
     */
    @Override
    public int available() throws IOException {
        if (!handshaken) {
            return -1;
        }
        int n = in.available();
        return n > 0 ? n : plainIn.available();
    }

    @Override
    public int read(byte[] into, int off, int len, long timeoutMillis) throws IOException {
        long start = System.nanoTime();
        handshake(timeoutMillis);
        long left = timeoutMillis - (System.nanoTime() - start) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("read timed out after " + timeoutMillis + " ms");
        }
        ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        blocking = false;
        return in.read(into, off, len);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        handshake(Integer.MAX_VALUE);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = srcs[i];
            int n = b.remaining();
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), n);
                b.position(b.limit());
            } else {
                // a read-only or direct view (a binary sent by reference): through one reused
                // array, since the record layer encrypts from an array anyway
                byte[] copy = writeScratch;
                if (copy == null) {
                    copy = writeScratch = new byte[RECORD];
                }
                while (b.hasRemaining()) {
                    int k = Math.min(copy.length, b.remaining());
                    b.get(copy, 0, k);
                    out.write(copy, 0, k);
                }
            }
            total += n;
        }
        out.flush();
        return total;
    }

    @Override
    public ByteBuffer readBuffer(int capacity) {
        return ByteBuffer.allocate(capacity);
    }

    @Override
    public String peerAddress() {
        return peerAddress;
    }

    @Override
    public void close() throws IOException {
        plain.close();
    }
}
