/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One transport connection, from the handshake to its close: the Java form of OTP's
 * {@code #hs_data{}} callbacks plus the distribution controller behind them.
 *
 * <p>Life cycle, driven by the node:
 * <ol>
 *   <li>Handshake phase: the node's handshake calls {@link #sendHandshake(byte[])} and
 *       {@link #receiveHandshake(Duration)} (OTP's {@code f_send}/{@code f_recv}); over TCP
 *       these frames carry a 2-byte length.</li>
 *   <li>{@link #preNodeup()} then {@link #postNodeup()} ({@code f_setopts_pre_nodeup},
 *       {@code f_setopts_post_nodeup}): over TCP, switch to 4-byte framing.</li>
 *   <li>{@link #handshakeComplete(DistChannel)} ({@code f_handshake_complete}): the carrier
 *       starts its controller, an output party that drains {@link DistChannel#getData()}
 *       and an input party that feeds {@link DistChannel#putData}. From here on the carrier
 *       owns the transport.</li>
 *   <li>While up, the node's ticker calls {@link #tick()} and {@link #stats()}
 *       ({@code mf_tick}, {@code mf_getstat}); neither may block for long.</li>
 *   <li>{@link #close()} ends it; so does any transport failure, which the carrier reports
 *       once through {@link DistChannel#closed(ConnectionFate)}.</li>
 * </ol>
 *
 * <p>Optional, as in OTP: {@link #flagRules()} ({@code add_flags}, {@code reject_flags},
 * {@code require_flags}), read before the handshake; and the options of the live connection
 * ({@link #setOption}, {@link #getOption}: {@code mf_setopts}, {@code mf_getopts}, which
 * {@code net_kernel:setopts(Node, Opts)} reaches), callable from any thread at any time.
 */
public interface CarrierConnection extends AutoCloseable {

    /** Sends one handshake message (the bytes after the length field). */
    void sendHandshake(byte[] message) throws IOException;

    /**
     * Receives one handshake message, waiting at most {@code timeout}.
     *
     * @throws java.net.SocketTimeoutException when the time runs out
     * @throws IOException                      when the transport fails or closes, or the
     *                                          frame is malformed or too long
     */
    byte[] receiveHandshake(Duration timeout) throws IOException;

    /** Called once the handshake succeeded, before the channel is published. */
    void preNodeup() throws IOException;

    /** Called right after {@link #preNodeup()}; most carriers do nothing here. */
    void postNodeup() throws IOException;

    /**
     * Hands the connection over to the channel: start the controller threads. Called once,
     * after {@link #postNodeup()}.
     */
    void handshakeComplete(DistChannel channel);

    /**
     * Sends a tick (an empty packet over TCP) unless the output party is busy anyway. Must
     * not block the caller for long.
     */
    void tick();

    /**
     * Optional: writes what the channel has queued on the calling thread, a sender that has
     * just queued into an empty queue, when no other party is writing; this saves the
     * hand-off to the output party, which is most of a round trip's latency on a small
     * machine. The carrier takes packets with {@link DistChannel#getData()} in order, as its
     * output party would, and may block like a write of the output party would (the sender
     * then waits as for the busy limit). Returns false when it did not take the data, or
     * left some queued: the channel then wakes its output party. Never called from the
     * carrier's input thread. The default does nothing and returns false.
     */
    default boolean writeQueued() {
        return false;
    }

    /**
     * Optional: as {@link #writeQueued()}, but called from the carrier's input thread (a reply
     * sent by a message handler running there) and so must never block: the carrier writes
     * only as much as the transport takes at once and leaves the rest to a party that may
     * block. An input thread that blocked in a write could deadlock two nodes whose input
     * threads both wait for the other to read. The carrier may defer the write until its
     * input thread has handed over the packets it has read, so the replies to one read go
     * out in one write, but must make it (or hand it to a party that will) before that
     * thread waits for input again. Returns false when it did not take the data: the
     * channel then wakes its output party. The channel also calls it for each packet the
     * input thread queues behind others (the return value then ignored), so a carrier that
     * defers can bound what it holds. The default does nothing and returns false.
     */
    default boolean writeQueuedNoWait() {
        return false;
    }

    /**
     * Optional: called on the carrier's input thread before the node hands something to
     * another thread (a message to a receiver, the outcome of a call): a carrier that defers
     * the writes {@link #writeQueuedNoWait()} took makes them now, without blocking, so the
     * woken thread cannot act before what the input thread sent has left (a call's caller
     * asking the peer about a monitor the call's demonitor removes). The default does nothing.
     */
    default void writeDeferred() {
    }

    /** How this connection changes the handshake's flags; {@link FlagRules#NONE} by default. */
    default FlagRules flagRules() {
        return FlagRules.NONE;
    }

    /** The options {@link #setOption} and {@link #getOption} take; none by default. */
    default Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    /**
     * Sets an option of the live transport, such as {@code TCP_NODELAY} or {@code SO_SNDBUF}
     * ({@code mf_setopts}).
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     * @throws IOException                   when the transport refuses the value or is closed
     */
    default <T> void setOption(SocketOption<T> option, T value) throws IOException {
        throw new UnsupportedOperationException("option " + option.name() + ": not supported by this carrier"
                + " (expected: one of " + supportedOptions() + ")");
    }

    /**
     * Reads an option of the live transport ({@code mf_getopts}).
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     * @throws IOException                   when the transport is closed
     */
    default <T> T getOption(SocketOption<T> option) throws IOException {
        throw new UnsupportedOperationException("option " + option.name() + ": not supported by this carrier"
                + " (expected: one of " + supportedOptions() + ")");
    }

    /** Transport counters for tick logic; cheap and non-blocking. */
    CarrierStats stats();

    /**
     * Figures of this carrier's own, by name, for statistics ({@code Node.stats()},
     * {@code jarl stats}, Micrometer): names in lower case with underscores and the unit as
     * a suffix where there is one, e.g. {@code rtt_us}. Cheap, non-blocking, and never taking
     * a lock the data path takes. The default has none; the UDP carrier reports its
     * round-trip time, retransmissions and window.
     */
    default Map<String, Long> figures() {
        return Map.of();
    }

    /** The peer's transport address for logs, e.g. {@code 127.0.0.1:51234}. */
    String peerAddress();

    /**
     * Closes the transport. Idempotent. After the channel was handed over, the carrier also
     * reports the close once through {@link DistChannel#closed(ConnectionFate)}.
     */
    @Override
    void close();
}
