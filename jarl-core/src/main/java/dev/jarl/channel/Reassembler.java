/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.jarl.carrier.DistChannel;
import dev.jarl.jfr.FragmentedMessage;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;

/**
 * A connection's fragmented messages being reassembled ({@code erl_ext_dist.md},
 * "Distribution Header for Fragmented Messages"): per sequence id, the fragments copied as
 * they arrive into one array sized from the first fragment and the fragment count, which the
 * message's binaries then share. A continuation lent from a carrier's direct buffer is read
 * in place: its bytes are copied once, into the message.
 *
 * <p>Bounds, so a peer cannot make the connection hold more than it says: the bytes buffered
 * for incomplete sequences are limited to the largest message accepted, and the incomplete
 * sequences to {@code maxSequences}. An array is sized ahead of its bytes only within the
 * connection's receive allowance ({@link DistChannel#reserveAhead}); beyond it the fragments
 * are copied into chunks, each at most as large as what came before it (so a count claimed
 * and never sent costs at most twice what was sent), and the chunks are assembled once when
 * the last fragment arrives. A first fragment's atom-cache header takes effect when it
 * arrives.
 *
 * <p>Threading: the carrier's input party only.
 */
final class Reassembler {

    /** What an incomplete sequence costs besides its bytes (objects, map entry), counted in {@link #partialBytes}. */
    static final int PARTIAL_OVERHEAD = 128;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** The largest chunk of a message reassembled beyond the receive allowance. */
    static final int MAX_CHUNK = 16 << 20;

    private final DecodeLimits limits;
    private final AtomCacheIn cacheIn;
    private final SignalCodec.Identity identity;
    private final long maxMessageSize;
    private final int maxSequences;
    private final DistChannel allowance;
    /** The peer's name, for JFR events. */
    private final String peer;
    private final Map<Long, Partial> partials = new HashMap<>();
    /** Bytes of incomplete sequences received so far, plus {@link #PARTIAL_OVERHEAD} for each. */
    private long partialBytes;

    /**
     * A reassembler for one connection.
     *
     * @param cacheIn        the input atom cache, or null without DIST_HDR_ATOM_CACHE
     * @param identity       the checks of every signal read
     * @param maxMessageSize the largest message, and the most bytes buffered for incomplete ones
     * @param maxSequences   the most incomplete sequences at once
     * @param allowance      the connection, whose receive allowance arrays sized ahead use
     * @param peer           the peer's node name, for JFR events
     */
    Reassembler(DecodeLimits limits, AtomCacheIn cacheIn, SignalCodec.Identity identity, long maxMessageSize,
                int maxSequences, DistChannel allowance, String peer) {
        this.peer = peer;
        this.limits = limits;
        this.cacheIn = cacheIn;
        this.identity = identity;
        this.maxMessageSize = maxMessageSize;
        this.maxSequences = maxSequences;
        this.allowance = allowance;
    }

    /** A fragmented message being reassembled. */
    private static final class Partial {
        final Atom[] refs;
        /**
         * The array being filled: the message's own when sized ahead (fragments are copied
         * in as they come, so the last needs no join), else the newest chunk.
         */
        byte[] data;
        /** Bytes of {@link #data} filled. */
        int length;
        /** Chunks filled before {@link #data}, in order; null while the message has one array. */
        List<byte[]> chunks;
        /** Bytes received for the message so far. */
        long total;
        long nextId;
        /** Bytes of {@link #data} reserved ahead from the connection's allowance. */
        final long reserved;
        /** How many fragments the first one announced. */
        final long fragments;
        /** Its JFR event while a recording wants it, else null. */
        FragmentedMessage event;

        /** The message's size the first fragment suggested (its body times the fragment count), capped. */
        final long claimed;

        Partial(Atom[] refs, long nextId, int capacity, long reserved, long claimed) {
            this.claimed = claimed;
            this.refs = refs;
            this.nextId = nextId;
            this.fragments = nextId + 1;
            this.data = new byte[capacity];
            this.reserved = reserved;
        }
    }

    /**
     * One fragment ({@code tag} 69, the first, or 70, a continuation): starts, extends or
     * completes a sequence.
     *
     * @param borrowed true when the packet's buffer is reused after this returns: only copies
     *                 are kept (a one-fragment message's binaries included)
     * @return the message once complete, or null while its sequence is not
     */
    Signal fragment(ByteBuffer packet, int tag, boolean borrowed) throws DistProtocolException {
        if (!packet.hasArray()) {
            if (tag == DistPacket.DIST_FRAG_CONT && packet.remaining() >= DistPacket.FRAGMENT_PREFIX) {
                // a continuation's header has a fixed size: read it where it is, and copy the
                // body once, into its message
                int at = packet.position();
                return continuation(packet.getLong(at + 2), packet.getLong(at + 10),
                        packet.slice(at + DistPacket.FRAGMENT_PREFIX, packet.remaining() - DistPacket.FRAGMENT_PREFIX));
            }
            // a first fragment (its atom-cache header has no fixed size): copied whole, and
            // the copy is this reassembler's own
            packet = ByteBuffer.wrap(new byte[packet.remaining()]).put(packet.duplicate()).flip();
            borrowed = false;
        }
        byte[] data = packet.array();
        int off = packet.arrayOffset() + packet.position();
        TermReader r = new TermReader(data, off + 2, packet.remaining() - 2, limits);
        long sequence;
        long id;
        Atom[] refs = null;
        try {
            sequence = r.readLong("fragment sequence id");
            id = r.readLong("fragment id");
            if (tag == DistPacket.DIST_FRAG_HEADER) {
                refs = AtomCacheIn.readHeader(cacheIn, r);
            }
        } catch (TermDecodeException e) {
            throw new DistProtocolException("fragment header: " + e.getMessage(), e);
        }
        int bodyAt = off + 2 + r.position();
        int bodyLength = packet.remaining() - 2 - r.position();
        if (tag == DistPacket.DIST_FRAG_HEADER) {
            if (id < 1) {
                throw new DistProtocolException("first fragment of sequence " + sequence + ": fragment id " + id
                        + " (expected: the number of fragments, at least 1)");
            }
            if (partials.containsKey(sequence)) {
                throw new DistProtocolException("first fragment of sequence " + sequence
                        + " (expected: none while that sequence is incomplete)");
            }
            if (id == 1) {
                return DistPacket.decodeBody(data, bodyAt, bodyLength, refs, limits, borrowed, identity);
            }
            if (partials.size() >= maxSequences) {
                throw new DistProtocolException("fragmented messages: " + (partials.size() + 1)
                        + " sequences incomplete at once (expected: at most " + maxSequences + ")");
            }
            // sized for all fragments as long as the first (the BEAM's are, but the last) when
            // that fits in the connection's allowance; otherwise grown as fragments come, so a
            // count claimed and never sent costs only what was sent
            long claimed = Math.min(Math.multiplyExact((long) Math.max(1, bodyLength), Math.min(id, Integer.MAX_VALUE)),
                    Math.min(maxMessageSize, MAX_ARRAY));
            long extra = Math.max(0, claimed - bodyLength);
            boolean inPlace = extra > 0 && allowance.reserveAhead(extra);
            Partial p = new Partial(refs, id - 1, inPlace ? (int) claimed : bodyLength, inPlace ? extra : 0, claimed);
            FragmentedMessage event = new FragmentedMessage();
            if (event.isEnabled()) {
                event.begin();
                p.event = event;
            }
            partials.put(sequence, p);
            partialBytes += PARTIAL_OVERHEAD;
            add(p, ByteBuffer.wrap(data, bodyAt, bodyLength));
            return null;
        }
        return continuation(sequence, id, ByteBuffer.wrap(data, bodyAt, bodyLength));
    }

    /** Continuation {@code id} of {@code sequence}, whose body is {@code body}'s remaining bytes. */
    private Signal continuation(long sequence, long id, ByteBuffer body) throws DistProtocolException {
        Partial p = partials.get(sequence);
        if (p == null) {
            throw new DistProtocolException("fragment " + id + " of sequence " + sequence
                    + " (expected: a sequence started by a first fragment)");
        }
        if (id != p.nextId) {
            throw new DistProtocolException("fragment id " + id + " of sequence " + sequence
                    + " (expected: " + p.nextId + ")");
        }
        add(p, body);
        if (--p.nextId > 0) {
            return null;
        }
        partials.remove(sequence);
        partialBytes -= p.total + PARTIAL_OVERHEAD;
        allowance.releaseAhead(p.reserved);
        if (p.event != null) {
            p.event.finish(peer, "in", p.total, p.fragments);
        }
        byte[] whole = p.data;
        if (p.chunks != null) {
            // received beyond the allowance: the chunks are joined once
            whole = new byte[(int) p.total];
            int at = 0;
            for (byte[] c : p.chunks) {
                System.arraycopy(c, 0, whole, at, c.length);
                at += c.length;
            }
            System.arraycopy(p.data, 0, whole, at, p.length);
        }
        // the message owns the array now: its binaries share it
        return DistPacket.decodeBody(whole, 0, (int) p.total, p.refs, limits, false, identity);
    }

    /**
     * Copies a fragment's body ({@code body}'s remaining bytes) into its sequence, within the
     * limit on buffered bytes: into the array sized ahead, else into chunks, a new one when
     * the last is full, as large as what came before it but no larger than what the first
     * fragment suggested is left, nor than {@link #MAX_CHUNK} (and at least the rest of this
     * body).
     */
    private void add(Partial p, ByteBuffer body) throws DistProtocolException {
        int len = body.remaining();
        partialBytes += len;
        if (partialBytes > maxMessageSize) {
            throw new DistProtocolException("fragmented messages: " + partialBytes
                    + " bytes buffered (expected: at most " + maxMessageSize + ")");
        }
        if (p.total + len > MAX_ARRAY) {
            throw new DistProtocolException("fragmented message: " + (p.total + len) + " bytes (expected: at most "
                    + MAX_ARRAY + ")");
        }
        while (body.hasRemaining()) {
            if (p.length == p.data.length) {
                if (p.chunks == null) {
                    p.chunks = new ArrayList<>();
                }
                p.chunks.add(p.data);
                long size = Math.min(Math.min(p.total, MAX_CHUNK), Math.max(0, p.claimed - p.total));
                p.data = new byte[(int) Math.max(body.remaining(), size)];
                p.length = 0;
            }
            int n = Math.min(body.remaining(), p.data.length - p.length);
            body.get(p.data, p.length, n);
            p.length += n;
            p.total += n;
        }
    }
}
