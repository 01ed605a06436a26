/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.channel.AtomCacheIn;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.DistPacket;
import dev.jarl.channel.DistProtocolException;
import dev.jarl.channel.Signal;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The hot paths of a message, one at a time (issue #11): encoding a control message with its
 * payload, decoding one (with the atom cache, as between two nodes that agreed it), the
 * channel's output (send, header, {@code getData}), and the hand-off between two mailboxes of
 * one node. Run:
 *
 * <pre>
 * java -jar jarl-bench/target/benchmarks.jar HotPathBench -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
public class HotPathBench {

    static final Pid FROM = new Pid(Atom.of("jarl@host"), 42, 0, 7);
    static final Pid TO = new Pid(Atom.of("erl@host"), 17, 0, 3);
    static final Term SMALL = Tuple.of(Atom.of("msg"), Int.of(1), Binary.EMPTY);
    static final Term GEN_CALL = Tuple.of(Atom.GEN_CALL,
            Tuple.of(FROM, new Ref(Atom.of("jarl@host"), 7, new int[] {1, 2, 3})), Tuple.of(Atom.of("get"), Atom.of("key")));
    static final long BOTH = DistFlags.DEFAULT_OFFERED;

    /** Encoded packets and a warmed input cache, so decoding sees cached atoms as between nodes. */
    @State(Scope.Thread)
    public static class Codec {
        /** ATOM_CACHE: DIST_HDR_ATOM_CACHE agreed; HEADER: only FRAGMENTS (atoms in full). */
        @Param({"ATOM_CACHE", "HEADER"})
        DistPacket.Form form;
        Signal send = new Signal.Send(FROM, TO, SMALL);
        Signal call = new Signal.RegSend(FROM, Atom.of("server"), GEN_CALL);
        /** The control tuples the channel writes for them: SEND_SENDER and REG_SEND. */
        Tuple sendControl = Tuple.of(Int.of(22), FROM, TO);
        Tuple callControl = Tuple.of(Int.of(6), FROM, Atom.of(""), Atom.of("server"));
        ByteBuffer sendPacket;
        ByteBuffer callPacket;
        AtomCacheIn cache = new AtomCacheIn();

        @Setup
        public void setup() throws DistProtocolException {
            if (form != DistPacket.Form.ATOM_CACHE) {
                cache = null;
            }
            DistConnection out = new DistConnection(params(form), new NullCarrier(), Handlers.NONE, DecodeLimits.DEFAULT, 1 << 20);
            // the first packets fill the cache; the second ones refer to it
            for (int i = 0; i < 2; i++) {
                out.send(send);
                sendPacket = copy(out.getData());
                out.send(call);
                callPacket = copy(out.getData());
                DistPacket.decode(sendPacket.duplicate(), DecodeLimits.DEFAULT, cache);
                DistPacket.decode(callPacket.duplicate(), DecodeLimits.DEFAULT, cache);
            }
        }
    }

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    static DistConnection.Params params(DistPacket.Form form) {
        long flags = form == DistPacket.Form.ATOM_CACHE ? BOTH : BOTH & ~DistFlags.DIST_HDR_ATOM_CACHE;
        return new DistConnection.Params(NodeName.parse("jarl@host"), 7, NodeName.parse("erl@host"), 3, flags, true);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public DistPacket.Encoded encodeSendSender(Codec c) {
        return DistPacket.encode(c.sendControl, SMALL, c.form);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public DistPacket.Encoded encodeGenCall(Codec c) {
        return DistPacket.encode(c.callControl, GEN_CALL, c.form);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Signal decodeSendSender(Codec c) throws DistProtocolException {
        return DistPacket.decode(c.sendPacket.duplicate(), DecodeLimits.DEFAULT, c.cache);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Signal decodeGenCall(Codec c) throws DistProtocolException {
        return DistPacket.decode(c.callPacket.duplicate(), DecodeLimits.DEFAULT, c.cache);
    }

    /** A connection whose carrier takes nothing itself: packets wait for {@code getData}. */
    @State(Scope.Thread)
    public static class Channel {
        /** ATOM_CACHE: DIST_HDR_ATOM_CACHE agreed; HEADER: only FRAGMENTS (atoms in full). */
        @Param({"ATOM_CACHE", "HEADER"})
        DistPacket.Form form;
        DistConnection connection;
        Signal send = new Signal.Send(FROM, TO, SMALL);

        @Setup
        public void setup() {
            connection = new DistConnection(params(form), new NullCarrier(), Handlers.NONE, DecodeLimits.DEFAULT, 1 << 20);
        }
    }

    /** Channel output for one small message: encode, queue, header and take the packet. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public ByteBuffer channelOutput(Channel c) {
        c.connection.send(c.send);
        return c.connection.getData();
    }

    /** Channel output, 64 messages queued then drained (what a batched write sees). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int channelOutputBatch64(Channel c) {
        for (int i = 0; i < 64; i++) {
            c.connection.send(c.send);
        }
        int n = 0;
        while (c.connection.getData() != null) {
            n++;
        }
        return n;
    }

    /** Two mailboxes of one node; an echo thread answers every message. */
    @State(Scope.Benchmark)
    public static class Boxes {
        Node node;
        Mailbox client;
        Mailbox echo;
        Thread echoThread;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            node = Node.start(NodeConfig.builder("hotpath@mem").cookie("c").carrier(new MemNetwork().carrier()).build());
            client = node.createMailbox();
            echo = node.createMailbox();
            echoThread = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Tuple t = (Tuple) echo.receive();
                        echo.send((Pid) t.get(0), t.get(1));
                    }
                } catch (Exception e) {
                    // the node closed
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            node.close();
        }
    }

    /** Mailbox ping-pong between two platform threads: one send and one wake-up each way. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Term mailboxPingPong(Boxes b) throws InterruptedException {
        b.client.send(b.echo.self(), Tuple.of(b.client.self(), Atom.OK));
        return b.client.receive();
    }

    /** One sender, one receiver, no replies: the hand-off rate of a mailbox. */
    @State(Scope.Group)
    public static class Stream {
        Node node;
        Mailbox box;
        Mailbox sender;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            node = Node.start(NodeConfig.builder("handoff@mem").cookie("c").carrier(new MemNetwork().carrier()).build());
            box = node.createMailbox();
            sender = node.createMailbox();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            node.close();
        }
    }

    @Benchmark
    @Group("mailboxHandOff")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void send(Stream s) {
        s.sender.send(s.box.self(), SMALL);
    }

    @Benchmark
    @Group("mailboxHandOff")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Optional<Term> receive(Stream s) throws InterruptedException {
        return s.box.receive(Duration.ofMillis(10));
    }

    /** A carrier that does nothing: the channel's own cost, without I/O. */
    static final class NullCarrier implements CarrierConnection {
        @Override public void sendHandshake(byte[] message) { }
        @Override public byte[] receiveHandshake(Duration timeout) { return new byte[0]; }
        @Override public void preNodeup() { }
        @Override public void postNodeup() { }
        @Override public void handshakeComplete(DistChannel channel) { }
        @Override public void tick() { }
        @Override public CarrierStats stats() { return new CarrierStats(0, 0, 0); }
        @Override public String peerAddress() { return "null"; }
        @Override public void close() { }
    }

    /** A handler that drops what it gets. */
    enum Handlers implements DistConnection.Handler {
        NONE;

        @Override public void received(DistConnection connection, Signal signal) { }
        @Override public void down(DistConnection connection, ConnectionFate fate) { }
    }
}
