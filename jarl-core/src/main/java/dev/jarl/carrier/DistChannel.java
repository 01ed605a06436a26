/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The node's side of one connection as a carrier sees it: OTP's {@code dist_handle()} and the
 * {@code erlang:dist_ctrl_*} functions. The channel layer implements it; a carrier's
 * controller calls it.
 *
 * <table>
 *   <caption>Seed function and its Java counterpart</caption>
 *   <tr><td>{@code dist_ctrl_get_data(DHandle)}</td><td>{@link #getData()}</td></tr>
 *   <tr><td>{@code dist_ctrl_get_data_notification(DHandle)}</td><td>{@link #awaitData()}</td></tr>
 *   <tr><td>{@code dist_ctrl_input_handler(DHandle, Pid)}</td><td>{@link #inputHandler(Thread)}</td></tr>
 *   <tr><td>{@code dist_ctrl_put_data(DHandle, Data)}</td><td>{@link #putData(ByteBuffer)}</td></tr>
 * </table>
 *
 * <p><b>The contract</b> (as in the seed): what {@link #getData()} returns must be delivered as
 * is to the peer's {@link #putData(ByteBuffer)}, in exactly the same order, with no loss and no
 * duplication. Packets are whole distribution packets without any length prefix; framing is
 * the carrier's business. An empty packet is a tick.
 */
public interface DistChannel {

    /**
     * The next packet to send, or {@code null} when none is queued. Never blocks. Only the
     * output party of the controller calls it. The returned buffer belongs to the caller;
     * its position..limit is the packet.
     */
    ByteBuffer getData();

    /**
     * The gathering form of {@link #getData()}: appends the next packet to {@code into} as one
     * or more buffers whose remaining bytes, in order, are the packet, and returns its length,
     * or -1 when none is queued. A carrier that writes with gathering writes uses it so that a
     * fragment's header and its part of the message need not be copied into one buffer. Same
     * caller, order and ownership rules as {@link #getData()}. The default wraps it.
     */
    default int getData(List<ByteBuffer> into) {
        ByteBuffer packet = getData();
        if (packet == null) {
            return -1;
        }
        into.add(packet);
        return packet.remaining();
    }

    /**
     * The batch form of {@link #getData(List)}: takes up to {@code maxPackets} packets in one
     * go, stopping early once they add up to {@code maxBytes} or the queue is empty. Each
     * packet's buffers are appended to {@code into}; {@code ends[i]} is {@code into.size()}
     * after packet {@code i} and {@code lengths[i]} its length. Returns the number of packets
     * taken, 0 when none is queued. A carrier that writes many packets per system call uses it,
     * so the channel takes its queue's lock once per batch rather than once per packet. Same
     * caller, order and ownership rules as {@link #getData()}. The default calls
     * {@link #getData(List)} in a loop.
     *
     * @throws IllegalArgumentException when {@code ends} or {@code lengths} is shorter than
     *                                  {@code maxPackets}
     */
    default int getData(List<ByteBuffer> into, int[] ends, int[] lengths, int maxPackets, long maxBytes) {
        checkBatch(ends, lengths, maxPackets);
        int n = 0;
        long bytes = 0;
        while (n < maxPackets && bytes < maxBytes) {
            int length = getData(into);
            if (length < 0) {
                break;
            }
            ends[n] = into.size();
            lengths[n] = length;
            bytes += length;
            n++;
        }
        return n;
    }

    /** Checks the arrays of a batch {@code getData} call. */
    static void checkBatch(int[] ends, int[] lengths, int maxPackets) {
        if (maxPackets < 0 || ends.length < maxPackets || lengths.length < maxPackets) {
            throw new IllegalArgumentException("batch of " + maxPackets + " packets with " + ends.length
                    + " ends and " + lengths.length + " lengths (expected: at least as many of each)");
        }
    }

    /**
     * Blocks until {@link #getData()} would return a packet, or the channel is closed.
     * The blocking form of {@code dist_ctrl_get_data_notification}.
     *
     * @return true when data is available, false when the channel is closed
     * @throws InterruptedException when the waiting thread is interrupted (cancellation)
     */
    boolean awaitData() throws InterruptedException;

    /**
     * Registers the thread that will call {@link #putData(ByteBuffer)}; calls from any other
     * thread are refused with {@link IllegalStateException}. Optional: without it, any one
     * thread may feed input, but only one at a time.
     */
    void inputHandler(Thread handler);

    /**
     * Delivers one received packet, in order. An empty packet is a tick and only counts as
     * input. The channel takes ownership of the buffer.
     */
    void putData(ByteBuffer packet);

    /**
     * Delivers one received packet whose buffer stays the carrier's: the carrier reuses it
     * once this returns, so the channel copies whatever it keeps (a fragment's bytes, the
     * binaries of a message). Otherwise as {@link #putData(ByteBuffer)}. A carrier that reads
     * into one buffer uses it to save a buffer and a copy per packet; the default copies the
     * packet and calls {@code putData}.
     */
    default void putBorrowed(ByteBuffer packet) {
        putData(ByteBuffer.allocate(packet.remaining()).put(packet.duplicate()).flip());
    }

    /**
     * How long, in nanoseconds, the carrier's input thread may poll its transport for the
     * next packet before it blocks in a read ({@code NodeConfig.readSpin}); read once, when
     * the input thread starts. 0 (the default): it blocks at once. A carrier that cannot
     * poll ignores it.
     */
    default long readSpinNanos() {
        return 0;
    }

    /** The default receive allowance, 8 MiB (see {@link #reserveAhead(long)}). */
    long DEFAULT_RECEIVE_ALLOWANCE = 8L << 20;

    /**
     * Asks to allocate {@code bytes} for a packet whose length a header announced but whose
     * bytes have not arrived. Each connection has an allowance (default
     * {@link #DEFAULT_RECEIVE_ALLOWANCE}) shared by the carrier's packet in progress and the
     * channel's fragment reassembly: within it a packet's final buffer is allocated at once,
     * so ordinary large messages are received in place. When this returns false the carrier
     * grows the buffer as the bytes come instead, so a length claimed and never sent costs
     * only what was sent. Every granted reservation is handed back with
     * {@link #releaseAhead(long)} once the packet is complete (or the connection failed).
     *
     * @return true when {@code bytes} fit in what is left of the allowance (and are now taken)
     */
    default boolean reserveAhead(long bytes) {
        return bytes <= DEFAULT_RECEIVE_ALLOWANCE;
    }

    /** Hands back a reservation granted by {@link #reserveAhead(long)}. */
    default void releaseAhead(long bytes) {
        // the default keeps no account
    }

    /**
     * The transport is gone: the connection goes down with {@code fate}. Called at most once
     * by the carrier, from whichever party saw the failure first: {@link ConnectionFate.Closed}
     * for an orderly end (the peer closed, or {@link CarrierConnection#close()}),
     * {@link ConnectionFate.ProtocolError} when the peer broke the framing (a length over the
     * limit, say; the node logs it at WARNING), {@link ConnectionFate.TransportError} with the
     * exception when the transport or a party failed. Text the peer chose is escaped
     * ({@link dev.jarl.term.Printable}).
     */
    void closed(ConnectionFate fate);
}
