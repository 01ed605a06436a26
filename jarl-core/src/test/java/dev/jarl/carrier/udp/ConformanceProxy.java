/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.jarl.carrier.udp.DocWire.Accept;
import dev.jarl.carrier.udp.DocWire.Ack;
import dev.jarl.carrier.udp.DocWire.Close;
import dev.jarl.carrier.udp.DocWire.CloseAck;
import dev.jarl.carrier.udp.DocWire.Data;
import dev.jarl.carrier.udp.DocWire.Dgram;
import dev.jarl.carrier.udp.DocWire.Initial;
import dev.jarl.carrier.udp.DocWire.Ping;
import dev.jarl.carrier.udp.DocWire.Retry;

/**
 * A datagram-level proxy between an initiator and a responder of docs/udp-carrier.md (one
 * side Jarl's carrier, the other {@code jarl_udp_dist}): the initiator dials {@link #port()},
 * each initiator address gets a socket of its own towards the responder, so the responder
 * sees one address per connection as without the proxy. Every datagram either way is decoded
 * with {@link DocWire} and checked against the document's rules (section numbers in the
 * messages); what breaks one is added to {@link #problems()} and still forwarded. A
 * {@link Rule} set by the test drops, holds or alters chosen datagrams; {@link #events()}
 * is the log of everything seen, with times.
 */
final class ConformanceProxy implements AutoCloseable {

    /** What to do with one datagram. */
    enum Action {
        FORWARD, DROP, HOLD, TAMPER_TOKEN
    }

    /** Decides each datagram's fate; called on the proxy's threads, one flow at a time. */
    @FunctionalInterface
    interface Rule {
        Action on(Flow flow, boolean toResponder, Dgram d);
    }

    /** One datagram as seen: when (nanoTime), which flow, which way, what, and what was done. */
    record Event(long nanos, int flow, boolean toResponder, Dgram dgram, int size, Action action) {
        @Override
        public String toString() {
            return String.format("%8.3f ms #%d %s %-5s %s (%d B)", nanos / 1e6, flow, toResponder ? "I->R" : "R->I",
                    action, DocWire.describe(dgram), size);
        }
    }

    private final String initiatorName;
    private final String responderName;
    private final int initiatorMax;
    private final int responderMax;
    private final InetSocketAddress backend;
    private final DatagramSocket front;
    private final Map<SocketAddress, Flow> flows = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final long t0 = System.nanoTime();
    private volatile Rule rule = (f, toR, d) -> Action.FORWARD;
    private volatile boolean closed;

    /**
     * @param initiatorName the implementation that dials (for messages)
     * @param initiatorMax  its configured datagram size
     * @param responderName the implementation behind {@code backend}
     * @param responderMax  its configured datagram size
     */
    ConformanceProxy(InetAddress bind, InetSocketAddress backend, String initiatorName, int initiatorMax,
            String responderName, int responderMax) throws IOException {
        this.backend = backend;
        this.initiatorName = initiatorName;
        this.responderName = responderName;
        this.initiatorMax = initiatorMax;
        this.responderMax = responderMax;
        this.front = new DatagramSocket(new InetSocketAddress(bind, 0));
        Thread.ofPlatform().daemon().name("conformance-front-" + front.getLocalPort()).start(this::pumpFront);
    }

    int port() {
        return front.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(front.getLocalAddress(), front.getLocalPort());
    }

    void rule(Rule r) {
        rule = r;
    }

    List<String> problems() {
        return problems;
    }

    List<Event> events() {
        return events;
    }

    /** The flows (connections) seen so far, oldest first. */
    List<Flow> flows() {
        List<Flow> all = new ArrayList<>(flows.values());
        all.sort((a, b) -> Integer.compare(a.id, b.id));
        return all;
    }

    /** Everything seen, one line each, for a failure message. */
    String log() {
        StringBuilder b = new StringBuilder();
        // a snapshot: a sub-list of the live list fails when the proxy records an event meanwhile
        List<Event> all = List.copyOf(events);
        int from = Math.max(0, all.size() - 400);
        if (from > 0) {
            b.append("... ").append(from).append(" earlier events\n");
        }
        for (Event e : all.subList(from, all.size())) {
            b.append(e.toString().replace(String.format("%8.3f", e.nanos() / 1e6),
                    String.format("%8.3f", (e.nanos() - t0) / 1e6))).append('\n');
        }
        return b.toString();
    }

    private void pumpFront() {
        byte[] buf = new byte[65_536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                front.receive(p);
            } catch (IOException e) {
                return;
            }
            Flow f = flows.computeIfAbsent(p.getSocketAddress(), a -> newFlow((InetSocketAddress) a));
            if (f != null) {
                f.handle(true, Arrays.copyOf(p.getData(), p.getLength()));
            }
        }
    }

    private Flow newFlow(InetSocketAddress client) {
        try {
            Flow f = new Flow(flows.size() + 1, client, new DatagramSocket(new InetSocketAddress(front.getLocalAddress(), 0)));
            Thread.ofPlatform().daemon().name("conformance-flow-" + f.id).start(f::pumpUpstream);
            return f;
        } catch (IOException e) {
            problems.add("proxy: cannot open an upstream socket: " + e);
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        front.close();
        flows.values().forEach(f -> f.upstream.close());
    }

    private record Held(boolean toResponder, Dgram dgram, byte[] raw) {
    }

    /** What one side has sent (and the proxy forwarded) on one flow. */
    static final class Side {
        final Map<Long, byte[]> payloads = new HashMap<>();
        final Set<Long> forwardedSeqs = new HashSet<>();
        volatile long maxSeqSent = -1;
        long maxSeqForwarded = -1;
        volatile long lastAck = -1;
        /** The send window edge this side has learned from the other's forwarded ack + window. */
        volatile long edge = 10;
        boolean closeSent;
        boolean closeAckSent;
        boolean closeForwarded;
        final java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        long streamNext;
        boolean firstMessageChecked;
    }

    /** One connection: an initiator's address and the proxy's socket towards the responder. */
    final class Flow {
        final int id;
        final InetSocketAddress client;
        final DatagramSocket upstream;
        final Side initiator = new Side();
        final Side responder = new Side();
        private final List<Held> held = new ArrayList<>();
        long scid;
        long rid;
        byte[] lastRetryToken;
        boolean acceptSent;
        boolean acceptForwarded;
        long bytesFromInitiator;
        long bytesToInitiatorBeforeAccept;
        int initialsForwarded;
        int answersBeforeAccept;

        Flow(int id, InetSocketAddress client, DatagramSocket upstream) {
            this.id = id;
            this.client = client;
            this.upstream = upstream;
        }

        long initiatorId() {
            return scid;
        }

        long responderId() {
            return rid;
        }

        private void pumpUpstream() {
            byte[] buf = new byte[65_536];
            while (!closed) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    upstream.receive(p);
                } catch (IOException e) {
                    return;
                }
                if (!p.getSocketAddress().equals(backend)) {
                    continue;
                }
                handle(false, Arrays.copyOf(p.getData(), p.getLength()));
            }
        }

        /** Sends what was held, in the order it came. */
        synchronized void release() {
            for (Held h : held) {
                forwarded(h.toResponder(), h.dgram());
                send(h.toResponder(), h.raw());
            }
            held.clear();
        }

        synchronized int heldCount() {
            return held.size();
        }

        synchronized void handle(boolean toResponder, byte[] raw) {
            String who = toResponder ? initiatorName + " (initiator)" : responderName + " (responder)";
            Dgram d;
            try {
                d = DocWire.decode(raw, raw.length);
            } catch (DocWire.Violation v) {
                problem(who + " sent a malformed datagram (section 3): " + v.getMessage());
                send(toResponder, raw);
                return;
            }
            check(toResponder, who, d, raw.length);
            Action a = rule.on(this, toResponder, d);
            events.add(new Event(System.nanoTime(), id, toResponder, d, raw.length, a));
            switch (a) {
                case DROP -> {
                }
                case HOLD -> held.add(new Held(toResponder, d, raw));
                case TAMPER_TOKEN -> {
                    byte[] t = raw.clone();
                    t[DocWire.HEADER + 10] ^= 0x5A; // the token's first byte (section 3.1)
                    forwarded(toResponder, d);
                    send(toResponder, t);
                }
                case FORWARD -> {
                    forwarded(toResponder, d);
                    send(toResponder, raw);
                }
            }
        }

        private void send(boolean toResponder, byte[] raw) {
            try {
                if (toResponder) {
                    upstream.send(new DatagramPacket(raw, raw.length, backend));
                } else {
                    front.send(new DatagramPacket(raw, raw.length, client));
                }
            } catch (IOException e) {
                if (!closed) {
                    problems.add("proxy: send failed: " + e);
                }
            }
        }

        private void problem(String what) {
            problems.add("flow #" + id + ": " + what);
        }

        /** The rules of the document for one datagram as its sender sent it. */
        private void check(boolean toResponder, String who, Dgram d, int size) {
            Side me = toResponder ? initiator : responder;
            Side peer = toResponder ? responder : initiator;
            int max = toResponder ? initiatorMax : responderMax;
            if (size > max && !(d instanceof Initial)) {
                problem(who + " sent " + size + " bytes, above its datagram size " + max + " (section 10)");
            }
            if (toResponder) {
                bytesFromInitiator += size;
            }
            boolean handshake = d instanceof Initial || d instanceof Retry || d instanceof Accept;
            if (!handshake) {
                long expected = toResponder ? rid : scid;
                boolean preAccept = toResponder ? !acceptForwarded : !acceptSent;
                if (preAccept && !(d instanceof Close && !toResponder)) {
                    problem(who + " sent " + DocWire.describe(d) + " before the connection was accepted (section 4)");
                } else if (d.dcid() != expected && !(d instanceof Close && !toResponder && !acceptSent)) {
                    problem(who + " sent " + DocWire.describe(d) + " to id " + Long.toHexString(d.dcid())
                            + ", expected the peer's id " + Long.toHexString(expected) + " (section 1)");
                }
                if ((me.closeSent || me.closeAckSent) && !(d instanceof Close) && !(d instanceof CloseAck)) {
                    problem(who + " sent " + DocWire.describe(d) + " after its CLOSE or CLOSE_ACK (section 9)");
                }
            }
            switch (d) {
                case Initial i -> {
                    if (!toResponder) {
                        problem(who + " sent an INITIAL (section 3)");
                        return;
                    }
                    if (i.size() < DocWire.MIN_INITIAL) {
                        problem(who + " sent an INITIAL of " + i.size() + " bytes (at least 1200, section 3.1)");
                    }
                    if (scid == 0) {
                        scid = i.scid();
                    } else if (i.scid() != scid) {
                        problem(who + " changed its source id in a repeated INITIAL (section 4)");
                    }
                    byte[] expected = lastRetryToken == null ? new byte[0] : lastRetryToken;
                    if (!acceptForwarded && !Arrays.equals(i.token(), expected)) {
                        problem(who + " sent an INITIAL whose token (" + i.token().length + " B) is not the latest RETRY's ("
                                + expected.length + " B) (section 4, steps 2 and 3)");
                    }
                }
                case Retry r -> {
                    if (toResponder) {
                        problem(who + " sent a RETRY (section 3)");
                        return;
                    }
                    if (r.dcid() != scid) {
                        problem(who + " sent a RETRY to id " + Long.toHexString(r.dcid()) + ", not the INITIAL's source id");
                    }
                    answerBeforeAccept(who, size);
                }
                case Accept a -> {
                    if (toResponder) {
                        problem(who + " sent an ACCEPT (section 3)");
                        return;
                    }
                    if (a.dcid() != scid) {
                        problem(who + " sent an ACCEPT to id " + Long.toHexString(a.dcid()) + ", not the INITIAL's source id");
                    }
                    if (rid != 0 && a.scid() != rid) {
                        problem(who + " sent a second ACCEPT with another id (section 4: the same ACCEPT again)");
                    }
                    rid = a.scid();
                    acceptSent = true;
                }
                case Data x -> {
                    if (x.seq() >= me.edge) {
                        problem(who + " sent DATA seq " + x.seq() + " at or beyond its window edge " + me.edge
                                + " (section 7: new segments below ack + window, 10 before the first ack)");
                    }
                    byte[] before = me.payloads.putIfAbsent(x.seq(), x.payload());
                    if (before != null && !Arrays.equals(before, x.payload())) {
                        problem(who + " sent seq " + x.seq() + " again with another payload (section 5: a segment never changes)");
                    }
                    me.maxSeqSent = Math.max(me.maxSeqSent, x.seq());
                    int payloadMax = max - DocWire.DATA_HEADER;
                    if (x.payload().length > payloadMax) {
                        problem(who + " sent a segment of " + x.payload().length + " bytes (at most " + payloadMax + ")");
                    }
                    checkAck(who, me, peer, x.ack(), x.window());
                }
                case Ack a -> {
                    checkAck(who, me, peer, a.ack(), a.window());
                    for (long[] r : a.ranges()) {
                        for (long s = r[0]; s <= r[1]; s++) {
                            if (!peer.forwardedSeqs.contains(s)) {
                                problem(who + " acknowledged seq " + s + " in a range, which it never received (section 3.5)");
                                break;
                            }
                        }
                    }
                }
                case Ping p -> {
                }
                case Close c -> {
                    if (!toResponder && !acceptSent) {
                        answerBeforeAccept(who, size);
                    }
                    me.closeSent = true;
                }
                case CloseAck c -> {
                    if (!peer.closeForwarded) {
                        problem(who + " sent CLOSE_ACK without a CLOSE from its peer (section 9)");
                    }
                    me.closeAckSent = true;
                }
            }
        }

        private void answerBeforeAccept(String who, int size) {
            answersBeforeAccept++;
            bytesToInitiatorBeforeAccept += size;
            if (answersBeforeAccept > initialsForwarded) {
                problem(who + " answered more datagrams than the INITIALs it got before a valid token (section 4)");
            }
            if (bytesToInitiatorBeforeAccept >= bytesFromInitiator) {
                problem(who + " sent " + bytesToInitiatorBeforeAccept + " bytes to an unproven address that sent "
                        + bytesFromInitiator + " (the amplification bound, section 4)");
            }
        }

        private void checkAck(String who, Side me, Side peer, long ack, long window) {
            if (ack > peer.maxSeqForwarded + 1) {
                problem(who + " acknowledged up to " + ack + " but received only up to seq " + peer.maxSeqForwarded
                        + " (section 6)");
            }
            // no check that ack and ack + window never go back on the wire: the document
            // allows acknowledgements to leave out of order (section 6; Jarl sends them from
            // two threads), and the sender keeps the largest (checked as the edge below)
            me.lastAck = Math.max(me.lastAck, ack);
        }

        /** What the receiver now knows: forwarded datagrams update the other side's view. */
        private void forwarded(boolean toResponder, Dgram d) {
            Side me = toResponder ? initiator : responder;
            Side peer = toResponder ? responder : initiator;
            switch (d) {
                case Initial i -> initialsForwarded++;
                case Retry r -> lastRetryToken = r.token();
                case Accept a -> acceptForwarded = true;
                case Data x -> {
                    me.forwardedSeqs.add(x.seq());
                    me.maxSeqForwarded = Math.max(me.maxSeqForwarded, x.seq());
                    peer.edge = Math.max(peer.edge, x.ack() + x.window());
                    stream(toResponder, me, x);
                }
                case Ack a -> peer.edge = Math.max(peer.edge, a.ack() + a.window());
                case Close c -> me.closeForwarded = true;
                case Ping p -> {
                }
                case CloseAck c -> {
                }
            }
        }

        /** The message stream (section 5): the handshake's first message is send_name, or recv_status back. */
        private void stream(boolean toResponder, Side me, Data x) {
            if (me.firstMessageChecked || x.seq() != me.streamNext) {
                return;
            }
            me.stream.writeBytes(x.payload());
            me.streamNext++;
            byte[] s = me.stream.toByteArray();
            if (s.length < 5) {
                return;
            }
            long len = ((s[0] & 0xFFL) << 24) | ((s[1] & 0xFF) << 16) | ((s[2] & 0xFF) << 8) | (s[3] & 0xFF);
            char tag = (char) (s[4] & 0xFF);
            String who = toResponder ? initiatorName + " (initiator)" : responderName + " (responder)";
            if (len > 65_535 || len == 0) {
                problem(who + "'s first message is " + len + " bytes long (a handshake message, section 4)");
            } else if (toResponder ? tag != 'N' && tag != 'n' : tag != 's') {
                problem(who + "'s first message starts with '" + tag + "' (expected " + (toResponder ? "send_name" : "recv_status")
                        + ", section 4)");
            }
            me.firstMessageChecked = true;
        }
    }
}
