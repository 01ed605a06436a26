/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.mem;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.term.NodeName;

/**
 * One end of an in-memory connection. Handshake messages and distribution packets travel as
 * whole byte arrays through two {@link MemPipe}s, so everything above the carrier sees the
 * same bytes as over TCP; the empty packet is a tick.
 */
final class MemConnection implements CarrierConnection {

    private static final Logger LOG = System.getLogger(MemConnection.class.getName());

    private final MemHub hub;
    private final NodeName self;
    private final NodeName peer;
    private final MemPipe in;
    private final MemPipe out;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile DistChannel channel;
    private volatile Thread reader;
    private volatile Thread writer;

    MemConnection(MemHub hub, NodeName self, NodeName peer, MemPipe in, MemPipe out) {
        this.hub = hub;
        this.self = self;
        this.peer = peer;
        this.in = in;
        this.out = out;
    }

    NodeName self() {
        return self;
    }

    NodeName peer() {
        return peer;
    }

    @Override
    public void sendHandshake(byte[] message) throws IOException {
        out.put(message.clone());
    }

    @Override
    public byte[] receiveHandshake(Duration timeout) throws IOException {
        try {
            return in.take(timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("mem: handshake receive interrupted", e);
        }
    }

    @Override
    public void preNodeup() {
    }

    @Override
    public void postNodeup() {
    }

    @Override
    public void handshakeComplete(DistChannel ch) {
        this.channel = ch;
        Thread r = Thread.ofVirtual().name("jarl-mem-in-" + self + "<-" + peer).unstarted(this::readLoop);
        Thread w = Thread.ofVirtual().name("jarl-mem-out-" + self + "->" + peer).unstarted(this::writeLoop);
        this.reader = r;
        this.writer = w;
        ch.inputHandler(r);
        r.start();
        w.start();
        if (closed.get()) {
            report(new ConnectionFate.Closed("closed"));
        }
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] packet = in.take(-1);
                received.incrementAndGet();
                channel.putData(ByteBuffer.wrap(packet));
            }
        } catch (IOException e) {
            report(new ConnectionFate.Closed("connection closed"));
        } catch (InterruptedException e) {
            report(new ConnectionFate.Closed("connection closed"));
        } catch (RuntimeException | Error e) {
            report(new ConnectionFate.TransportError("input failed: " + e, e));
        } finally {
            close();
        }
    }

    private void writeLoop() {
        DistChannel ch = channel;
        try {
            while (ch.awaitData()) {
                for (ByteBuffer b; (b = ch.getData()) != null; ) {
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    out.put(bytes);
                    sent.incrementAndGet();
                }
            }
        } catch (IOException e) {
            report(new ConnectionFate.Closed("connection closed"));
        } catch (InterruptedException e) {
            report(new ConnectionFate.Closed("connection closed"));
        } catch (RuntimeException | Error e) {
            report(new ConnectionFate.TransportError("output failed: " + e, e));
        } finally {
            close();
        }
    }

    @Override
    public void tick() {
        try {
            out.put(new byte[0]);
            sent.incrementAndGet();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "mem tick to {0} failed: {1}", peer, e.getMessage());
        }
    }

    @Override
    public CarrierStats stats() {
        return new CarrierStats(received.get(), sent.get(), out.pendingBytes());
    }

    @Override
    public String peerAddress() {
        return "mem:" + peer;
    }

    void cut(String reason) {
        in.close(reason, true);
        out.close(reason, true);
        report(new ConnectionFate.Closed(reason));
        close();
    }

    void poke() {
        in.poke();
        out.poke();
    }

    private void report(ConnectionFate fate) {
        DistChannel ch = channel;
        if (ch != null && reported.compareAndSet(false, true)) {
            ch.closed(fate);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            in.close("closed by " + self, true);
            out.close("closed by " + self, false);
            hub.forget(this);
            Thread r = reader;
            Thread w = writer;
            if (r != null && r != Thread.currentThread()) {
                r.interrupt();
            }
            if (w != null && w != Thread.currentThread()) {
                w.interrupt();
            }
        }
        report(new ConnectionFate.Closed("closed"));
    }
}
