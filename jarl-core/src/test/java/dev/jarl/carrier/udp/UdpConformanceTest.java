/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.udp.ConformanceProxy.Action;
import dev.jarl.carrier.udp.ConformanceProxy.Event;
import dev.jarl.carrier.udp.ConformanceProxy.Flow;
import dev.jarl.carrier.udp.DocWire.Accept;
import dev.jarl.carrier.udp.DocWire.Close;
import dev.jarl.carrier.udp.DocWire.CloseAck;
import dev.jarl.carrier.udp.DocWire.Data;
import dev.jarl.carrier.udp.DocWire.Dgram;
import dev.jarl.carrier.udp.DocWire.Initial;
import dev.jarl.carrier.udp.DocWire.Retry;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.JarlUdpDist;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;
import dev.jarl.testing.ReleaseMatrix;

/**
 * The two implementations of docs/udp-carrier.md, Jarl's carrier and {@code jarl_udp_dist},
 * driven against each other at the datagram level. Every datagram between a Jarl node and a
 * BEAM node passes a {@link ConformanceProxy} that checks it against the document (read
 * independently, {@link DocWire}) and drops, holds or alters chosen ones; a raw socket plays
 * an initiator against each responder. Each scenario runs with each implementation in each
 * role, so a change on one side that the other or the document does not allow fails here:
 * the handshake through RETRY with a tampered, a foreign and an expired token refused and the
 * amplification bound kept; a lost segment sent again unchanged with the RTO doubling; a
 * sender stopping at the advertised window and going on when the ack comes; close, with the
 * first CLOSE lost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class UdpConformanceTest {

    private static final String COOKIE = "conformance";
    private static final int DATAGRAM = 1400;
    /** Six segments: below the initial congestion window (10), so the window is what stops a sender. */
    private static final int WINDOW_SEGMENTS = 6;
    private static final long MIN_RTO_MS = 100;
    private static final long INITIAL_RTO_MS = 300;
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private InetAddress host;
    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;
    private InetSocketAddress erlListener;
    private Node jarl;
    private InetSocketAddress jarlListener;
    private ConformanceProxy toJarl;   // erl initiates, Jarl responds
    private ConformanceProxy toErl;    // Jarl initiates, erl responds
    private EpmdRegistration jarlInErlsEpmd;
    private Mailbox jbox;
    private final List<Raw> oldTokens = new ArrayList<>();
    private long oldTokensAt;

    @BeforeAll
    void start() throws Exception {
        JarlUdpDist.compile();
        host = InetAddress.getByName(Otp.shortHost());
        assertTrue(host.isLoopbackAddress(), "the short host name must resolve to loopback, not " + host);
        epmd = RealEpmd.start("127.0.0.1");
        erl = ErlNode.builder().sname(Otp.uniqueName("uconf")).cookie(COOKIE).epmdPort(epmd.port())
                .args(JarlUdpDist.args("min_rto_ms", Long.toString(MIN_RTO_MS), "initial_rto_ms", Long.toString(INITIAL_RTO_MS),
                        "datagram_size", Integer.toString(DATAGRAM), "window_bytes", Integer.toString(WINDOW_SEGMENTS * DATAGRAM)))
                .start();
        erlName = NodeName.parse(erl.name());
        erl.eval("register(ebox, self()), ok");
        EpmdClient epmdClient = new EpmdClient(InetAddress.getLoopbackAddress(), epmd.port(), Duration.ofSeconds(5));
        erlListener = new InetSocketAddress(host, epmdClient.portPlease(erlName.alive()).orElseThrow().port());
        toErl = new ConformanceProxy(host, erlListener, "Jarl", DATAGRAM, "jarl_udp_dist", DATAGRAM);

        int jarlPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(host, 0))) {
            jarlPort = probe.getLocalPort();
        }
        jarlListener = new InetSocketAddress(host, jarlPort);
        UdpOptions udp = UdpOptions.of(AddressResolver.fixed(toErl.address())).withBindAddress(host).withPort(jarlPort)
                .withRto(Duration.ofMillis(MIN_RTO_MS), Duration.ofMillis(INITIAL_RTO_MS))
                .withDatagrams(DATAGRAM, WINDOW_SEGMENTS * DATAGRAM);
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jconf") + "@" + Otp.shortHost()).cookie(COOKIE)
                .useEpmd(false).carrier(Carriers.udp(udp)).build());
        jbox = jarl.createMailbox("jbox");
        toJarl = new ConformanceProxy(host, jarlListener, "jarl_udp_dist", DATAGRAM, "Jarl", DATAGRAM);
        // erl finds the Jarl node through its EPMD: at the proxy
        jarlInErlsEpmd = epmdClient.register(jarl.name().alive(), toJarl.port(), false);
        if (Otp.fullSuite()) {
            takeTokensToExpire();
        }
    }

    @AfterAll
    void stop() {
        oldTokens.forEach(Raw::close);
        Closeables.closeAll(jbox, jarl, jarlInErlsEpmd, toJarl, toErl, erl, epmd);
    }

    @BeforeEach
    void forwardEverything() {
        for (ConformanceProxy p : List.of(toJarl, toErl)) {
            p.rule((f, toR, d) -> Action.FORWARD);
            p.problems().clear();
        }
    }

    @AfterEach
    void disconnect() throws Exception {
        for (ConformanceProxy p : List.of(toJarl, toErl)) {
            p.rule((f, toR, d) -> Action.FORWARD);
            p.flows().forEach(Flow::release);
        }
        jarl.disconnect(erlName);
        erl.eval("erlang:disconnect_node(" + q(jarl) + "), ok");
        Await.until(LIMIT, () -> !jarl.nodes().contains(erlName), () -> "Jarl still connected to erl");
        Await.until(LIMIT, () -> erl.eval("lists:member(" + q(jarl) + ", nodes(connected))").equals("false"), () -> "erl still connected");
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    /** Connects one way (through the proxy of that way) and returns the new flow. */
    private Flow connect(boolean erlInitiates) throws Exception {
        ConformanceProxy p = erlInitiates ? toJarl : toErl;
        int before = p.flows().size();
        if (erlInitiates) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"), p.log());
        } else {
            // net_kernel may still be taking the previous connection down and refuse this one
            // in the handshake (the proxy sees it as a flow of its own); a later attempt works
            boolean pong = false;
            for (int attempt = 0; attempt < 3 && !pong; attempt++) {
                pong = jarl.ping(erlName, LIMIT);
            }
            assertTrue(pong, p.log());
        }
        List<Flow> flows = p.flows();
        assertTrue(flows.size() > before, "a new connection\n" + p.log());
        return flows.get(flows.size() - 1);
    }

    private static List<Event> eventsOf(ConformanceProxy p, Flow f) {
        return p.events().stream().filter(e -> e.flow() == f.id).toList();
    }

    private static void assertConforms(ConformanceProxy p) {
        if (!p.problems().isEmpty()) {
            fail("breaks docs/udp-carrier.md:\n  " + String.join("\n  ", p.problems()) + "\n" + p.log());
        }
    }

    // ---- handshake

    /**
     * INITIAL without a token, RETRY, INITIAL with the token (tampered with on the way: the
     * responder must stay silent), the same INITIAL again after the initial RTO with the token
     * intact, ACCEPT; the proxy checks the amplification bound and the token echo throughout.
     */
    @Test
    void handshakeThroughRetryWithATamperedTokenRefusedEachWay() throws Exception {
        for (boolean erlInitiates : new boolean[] {true, false}) {
            ConformanceProxy p = erlInitiates ? toJarl : toErl;
            AtomicInteger tampered = new AtomicInteger();
            p.rule((f, toR, d) -> d instanceof Initial i && i.token().length > 0 && tampered.getAndIncrement() == 0
                    ? Action.TAMPER_TOKEN : Action.FORWARD);
            Flow f = connect(erlInitiates);
            List<Event> ev = eventsOf(p, f);
            List<String> shape = new ArrayList<>();
            for (Event e : ev) {
                if (e.dgram() instanceof Accept) {
                    shape.add("ACCEPT");
                    break;
                }
                shape.add(switch (e.dgram()) {
                    case Initial i -> i.token().length == 0 ? "INITIAL" : e.action() == Action.TAMPER_TOKEN ? "INITIAL+bad" : "INITIAL+token";
                    case Retry r -> "RETRY";
                    default -> DocWire.describe(e.dgram());
                });
            }
            String who = (erlInitiates ? "erl -> Jarl" : "Jarl -> erl") + "\n" + p.log();
            assertEquals(List.of("INITIAL", "RETRY", "INITIAL+bad", "INITIAL+token", "ACCEPT"), shape, who);
            int bad = indexOf(ev, e -> e.action() == Action.TAMPER_TOKEN);
            long resend = ev.get(bad + 1).nanos() - ev.get(bad).nanos();
            assertTrue(resend >= 0.8 * INITIAL_RTO_MS * 1e6, "the INITIAL came again after " + resend / 1e6
                    + " ms, before the initial RTO of " + INITIAL_RTO_MS + " ms: " + who);
            assertConforms(p);
            disconnect();
        }
    }

    /**
     * A raw initiator against each responder: a short INITIAL and tokens that are tampered
     * with, issued for another id or to another address get no answer at all; the RETRY is
     * smaller than the INITIAL it answers; a valid token gets ACCEPT, again the same ACCEPT;
     * CLOSE gets CLOSE_ACK.
     */
    @Test
    void eachResponderRefusesBadTokensAndAnswersWithinTheAmplificationBound() throws Exception {
        for (InetSocketAddress responder : List.of(erlListener, jarlListener)) {
            String who = responder.equals(erlListener) ? "jarl_udp_dist" : "Jarl";
            try (Raw a = new Raw(responder); Raw other = new Raw(responder)) {
                long s1 = a.freshId();
                a.send(DocWire.initial(s1, new byte[0], DocWire.MIN_INITIAL - 1));
                a.expectSilence(who + ": an INITIAL of 1199 bytes");
                a.send(DocWire.initial(s1, new byte[0], DocWire.MIN_INITIAL));
                Retry retry = assertInstanceOf(Retry.class, a.receive(who + ": RETRY"), who);
                assertEquals(s1, retry.dcid(), who);
                assertTrue(a.lastSize < DocWire.MIN_INITIAL, who + ": a RETRY of " + a.lastSize + " bytes");
                assertTrue(retry.token().length > 0, who);
                byte[] token = retry.token();
                byte[] bad = token.clone();
                bad[bad.length - 1] ^= 1;
                a.send(DocWire.initial(s1, bad, DocWire.MIN_INITIAL));
                a.expectSilence(who + ": an INITIAL with a tampered token");
                a.send(DocWire.initial(a.freshId(), token, DocWire.MIN_INITIAL));
                a.expectSilence(who + ": an INITIAL with a token issued for another connection id");
                other.send(DocWire.initial(s1, token, DocWire.MIN_INITIAL));
                other.expectSilence(who + ": an INITIAL with a token issued to another address");
                a.send(DocWire.initial(s1, token, DocWire.MIN_INITIAL));
                Accept accept = assertInstanceOf(Accept.class, a.receive(who + ": ACCEPT"), who);
                assertEquals(s1, accept.dcid(), who);
                a.send(DocWire.initial(s1, token, DocWire.MIN_INITIAL));
                assertEquals(accept, a.receive(who + ": the same ACCEPT again"), who);
                a.send(DocWire.close(accept.scid(), "conformance test"));
                assertEquals(new CloseAck(s1), a.receive(who + ": CLOSE_ACK"), who);
            }
        }
    }

    /**
     * A token older than its lifetime (10 s) is refused by both responders. The tokens were
     * issued in {@link #start} and the test runs last, so the other tests fill the wait.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void expiredTokensAreRefused() throws Exception {
        ReleaseMatrix.notReleaseSpecific();
        long wait = RetryTokens.LIFETIME_MS + 1500 - (System.nanoTime() - oldTokensAt) / 1_000_000;
        if (wait > 0) {
            // real time: the token's issue time is the wall clock of another process (erl), and its lifetime is tested
            Thread.sleep(wait);
        }
        for (Raw r : oldTokens) {
            r.send(DocWire.initial(r.oldId, r.oldToken, DocWire.MIN_INITIAL));
            r.expectSilence((r.to.equals(erlListener) ? "jarl_udp_dist" : "Jarl") + ": an INITIAL with an expired token");
        }
    }

    /** For {@link #expiredTokensAreRefused}: one raw initiator per responder holding a token, and when they got them. */
    private void takeTokensToExpire() throws IOException {
        for (InetSocketAddress responder : List.of(erlListener, jarlListener)) {
            Raw r = new Raw(responder);
            r.oldId = r.freshId();
            r.send(DocWire.initial(r.oldId, new byte[0], DocWire.MIN_INITIAL));
            r.oldToken = assertInstanceOf(Retry.class, r.receive("RETRY")).token();
            oldTokens.add(r);
        }
        oldTokensAt = System.nanoTime();
    }

    // ---- retransmission

    /**
     * The segment that carries a message is lost twice: the sender sends it again after one
     * RTO and again after twice the RTO (doubled by the timeout), each time with the same
     * sequence number and payload (the proxy compares them), and the message arrives once.
     * Jarl sending to erl, then erl sending to Jarl, on one connection each way.
     */
    @Test
    void aLostSegmentIsSentAgainUnchangedWithTheRtoDoubling() throws Exception {
        for (boolean erlInitiates : new boolean[] {true, false}) {
            ConformanceProxy p = erlInitiates ? toJarl : toErl;
            Flow f = connect(erlInitiates);
            for (boolean erlSends : new boolean[] {false, true}) {
                boolean senderIsInitiator = erlSends == erlInitiates;
                byte[] marker = marker();
                AtomicLong seq = new AtomicLong(-1);
                AtomicInteger sends = new AtomicInteger();
                p.rule((fl, toR, d) -> {
                    if (toR == senderIsInitiator && d instanceof Data x && (seq.get() == x.seq() || (seq.get() < 0
                            && indexOf(x.payload(), marker) >= 0 && seq.compareAndSet(-1, x.seq())))) {
                        return sends.incrementAndGet() <= 2 ? Action.DROP : Action.FORWARD;
                    }
                    return Action.FORWARD;
                });
                String hex = HexFormat.of().formatHex(marker);
                if (erlSends) {
                    erl.eval("{jbox, " + q(jarl) + "} ! {probe, <<16#" + hex + ":" + marker.length * 8 + ">>}, ok");
                    Term got = jbox.receive(LIMIT).orElseThrow(() -> new AssertionError("no probe from erl\n" + p.log()));
                    assertEquals(Tuple.of(Atom.of("probe"), Binary.of(marker)), got);
                } else {
                    jbox.send("ebox", erlName, Tuple.of(Atom.of("probe"), Binary.of(marker)));
                    assertEquals("true", erl.eval("receive {probe, B} -> B =:= <<16#" + hex + ":" + marker.length * 8
                            + ">> after 20000 -> timeout end"), p.log());
                }
                String who = (erlSends ? "erl" : "Jarl") + " sending, " + (erlInitiates ? "erl" : "Jarl") + " initiated\n";
                List<Event> tx = eventsOf(p, f).stream().filter(e -> e.toResponder() == senderIsInitiator
                        && e.dgram() instanceof Data x && x.seq() == seq.get()).toList();
                assertTrue(tx.size() >= 3, who + "the lost segment was sent " + tx.size() + " times\n" + p.log());
                long first = tx.get(1).nanos() - tx.get(0).nanos();
                long second = tx.get(2).nanos() - tx.get(1).nanos();
                assertTrue(first >= 0.8 * MIN_RTO_MS * 1e6, who + "sent again after " + first / 1e6 + " ms, within the RTO");
                assertTrue(second >= 1.6 * MIN_RTO_MS * 1e6, who + "sent a third time " + second / 1e6
                        + " ms after the second: the RTO did not double after the timeout (" + first / 1e6 + " ms before)\n"
                        + p.log());
                // the message arrived once: nothing more in the mailbox
                if (erlSends) {
                    assertTrue(jbox.receive(Duration.ofMillis(300)).isEmpty(), who + "a duplicate arrived");
                } else {
                    assertEquals("none", erl.eval("receive {probe, _} -> dup after 300 -> none end"), who);
                }
            }
            assertConforms(p);
            disconnect();
        }
    }

    // ---- window

    /**
     * The receiver's acknowledgements are held back while a 64 KB message goes out: the sender
     * sends up to the window edge it knows (ack + window, six segments) and not beyond, and
     * goes on when the acknowledgements arrive; the message arrives complete.
     */
    @Test
    void aSenderStopsAtTheAdvertisedWindowAndResumesOnTheAck() throws Exception {
        for (boolean erlInitiates : new boolean[] {true, false}) {
            ConformanceProxy p = erlInitiates ? toJarl : toErl;
            for (boolean erlSends : new boolean[] {false, true}) {
                Flow f = connect(erlInitiates);
                boolean senderIsInitiator = erlSends == erlInitiates;
                ConformanceProxy.Side sender = senderIsInitiator ? f.initiator : f.responder;
                ConformanceProxy.Side receiver = senderIsInitiator ? f.responder : f.initiator;
                // a first message, acknowledged: the edge the sender knows is then ack + window,
                // above the 10 it starts with, so the window is what stops the sender
                String who0 = (erlSends ? "erl" : "Jarl") + " sending, " + (erlInitiates ? "erl" : "Jarl") + " initiated\n";
                if (erlSends) {
                    erl.eval("{jbox, " + q(jarl) + "} ! {warm, binary:copy(<<1>>, 6000)}, ok");
                    assertEquals(Atom.of("warm"), ((Tuple) jbox.receive(LIMIT).orElseThrow()).get(0));
                } else {
                    jbox.send("ebox", erlName, Tuple.of(Atom.of("warm"), Binary.of(new byte[6000])));
                    assertEquals("6000", erl.eval("receive {warm, W} -> byte_size(W) after 20000 -> timeout end"));
                }
                Await.until(LIMIT, () -> receiver.lastAck == sender.maxSeqSent + 1 && sender.edge > 10,
                        () -> who0 + "the warm-up message was not acknowledged\n" + p.log());
                byte[] big = new byte[64 * 1024];
                new Random(7).nextBytes(big);
                long edge;
                long before;
                synchronized (f) {
                    edge = sender.edge;
                    before = sender.maxSeqSent;
                    p.rule((fl, toR, d) -> toR != senderIsInitiator ? Action.HOLD : Action.FORWARD);
                }
                String who = (erlSends ? "erl" : "Jarl") + " sending, " + (erlInitiates ? "erl" : "Jarl") + " initiated\n";
                assertTrue(edge - before - 1 < big.length / (DATAGRAM - DocWire.DATA_HEADER),
                        who + "the message must not fit in the open window");
                if (erlSends) {
                    erl.eval("B = list_to_binary(lists:duplicate(" + big.length + ", 7)), {jbox, " + q(jarl) + "} ! {big, B}, ok");
                } else {
                    jbox.send("ebox", erlName, Tuple.of(Atom.of("big"), Binary.of(big)));
                }
                // the sender fills the window it knows, then only sends those segments again
                Await.until(LIMIT, () -> sender.maxSeqSent >= edge - 1, () -> who + "the sender did not reach the edge "
                        + edge + "\n" + p.log());
                Await.holdsFor(Duration.ofMillis(4 * MIN_RTO_MS), () -> sender.maxSeqSent == edge - 1,
                        () -> who + "the sender went beyond the window edge " + edge + "\n" + p.log());
                p.rule((fl, toR, d) -> Action.FORWARD);
                f.release();
                if (erlSends) {
                    Term got = jbox.receive(LIMIT).orElseThrow(() -> new AssertionError(who + "no message\n" + p.log()));
                    byte[] expected = new byte[big.length];
                    java.util.Arrays.fill(expected, (byte) 7);
                    assertEquals(Tuple.of(Atom.of("big"), Binary.of(expected)), got, who);
                } else {
                    assertEquals("65536", erl.eval("receive {big, B} -> byte_size(B) after 20000 -> timeout end"), who);
                }
                assertTrue(sender.maxSeqSent > edge, who + "the sender did not go on");
                assertConforms(p);
                disconnect();
            }
        }
    }

    // ---- close

    /**
     * Each side closes a connection it initiated and one it accepted, the first CLOSE lost on
     * the way: the closing side's CLOSE still reaches the peer (Jarl resends after an RTO,
     * jarl_udp_dist sends it twice at once), the peer answers CLOSE_ACK to the closer's id and
     * sees the node go long before any idle timeout or tick.
     */
    @Test
    void closeEachWayWithTheFirstCloseLost() throws Exception {
        for (boolean erlInitiates : new boolean[] {true, false}) {
            for (boolean erlCloses : new boolean[] {true, false}) {
                ConformanceProxy p = erlInitiates ? toJarl : toErl;
                Flow f = connect(erlInitiates);
                boolean closerIsInitiator = erlCloses == erlInitiates;
                AtomicInteger closes = new AtomicInteger();
                p.rule((fl, toR, d) -> toR == closerIsInitiator && d instanceof Close && closes.getAndIncrement() == 0
                        ? Action.DROP : Action.FORWARD);
                String who = (erlCloses ? "erl" : "Jarl") + " closing, " + (erlInitiates ? "erl" : "Jarl") + " initiated\n";
                long t0 = System.nanoTime();
                if (erlCloses) {
                    assertEquals("true", erl.eval("erlang:disconnect_node(" + q(jarl) + ")"));
                    Await.until(LIMIT, () -> !jarl.nodes().contains(erlName), () -> who + "Jarl did not see erl go\n" + p.log());
                } else {
                    assertTrue(jarl.disconnect(erlName));
                    Await.until(LIMIT, () -> erl.eval("lists:member(" + q(jarl) + ", nodes(connected))").equals("false"),
                            () -> who + "erl did not see Jarl go\n" + p.log());
                }
                long took = System.nanoTime() - t0;
                assertTrue(took < 5_000_000_000L, who + "the peer saw the close only after " + took / 1e6 + " ms");
                List<Event> ev = eventsOf(p, f);
                long closeSends = ev.stream().filter(e -> e.toResponder() == closerIsInitiator && e.dgram() instanceof Close).count();
                assertTrue(closeSends >= 2, who + "CLOSE sent " + closeSends + " times\n" + p.log());
                Await.until(LIMIT, () -> eventsOf(p, f).stream().anyMatch(e -> e.toResponder() != closerIsInitiator
                        && e.dgram() instanceof CloseAck), () -> who + "no CLOSE_ACK\n" + p.log());
                assertNotEquals(0, f.initiatorId());
                assertConforms(p);
                disconnect();
            }
        }
    }

    // ---- helpers

    private static byte[] marker() {
        byte[] m = new byte[16];
        new java.security.SecureRandom().nextBytes(m);
        return m;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOf(List<Event> ev, java.util.function.Predicate<Event> p) {
        for (int i = 0; i < ev.size(); i++) {
            if (p.test(ev.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such event");
    }

    /** A raw initiator on a loopback socket of its own. */
    private final class Raw implements AutoCloseable {
        private final DatagramSocket socket;
        private final InetSocketAddress to;
        int lastSize;
        long oldId;
        byte[] oldToken;

        Raw(InetSocketAddress to) throws IOException {
            this.to = to;
            this.socket = new DatagramSocket(new InetSocketAddress(host, 0));
        }

        long freshId() {
            long id;
            do {
                id = new java.security.SecureRandom().nextLong();
            } while (id == 0);
            return id;
        }

        void send(byte[] b) throws IOException {
            socket.send(new DatagramPacket(b, b.length, to));
        }

        Dgram receive(String what) throws IOException {
            socket.setSoTimeout(5000);
            byte[] buf = new byte[65_536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": no answer within 5 s");
            }
            lastSize = p.getLength();
            return DocWire.decode(buf, p.getLength());
        }

        /** Nothing comes back within three initial RTOs of the responder's (they answer at once when they do). */
        void expectSilence(String what) throws IOException {
            socket.setSoTimeout((int) (2 * INITIAL_RTO_MS));
            byte[] buf = new byte[65_536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                fail(what + " was answered: " + DocWire.describe(DocWire.decode(buf, p.getLength())));
            } catch (SocketTimeoutException expected) {
                // silence, as the document requires
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
