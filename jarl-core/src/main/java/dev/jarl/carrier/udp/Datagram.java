/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The datagrams of the UDP carrier's wire protocol ({@code docs/udp-carrier.md}). Every
 * datagram starts with the same 12-byte header, all integers big-endian:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+---------------+---------------+
 * |   magic 'J' (0x4A)  'U' (0x55) |  version (1)  |     type      |
 * +---------------+---------------+---------------+---------------+
 * |                                                               |
 * +            destination connection id (64 bits)                +
 * |                                                               |
 * +---------------+---------------+---------------+---------------+
 * |                  type-specific body ...                       |
 * </pre>
 *
 * The destination connection id is the id the receiver chose for itself; it is zero only
 * in {@link Initial}.
 */
sealed interface Datagram {

    /** {@code 'J' 'U'}. */
    int MAGIC = 0x4A55;
    /** Protocol version. */
    int VERSION = 1;
    /** Bytes of the common header. */
    int HEADER = 12;
    /** An {@link Initial} is padded to at least this many bytes. */
    int MIN_INITIAL = 1200;
    /** Bytes of a {@link Data} datagram before its payload. */
    int DATA_HEADER = HEADER + 8 + 8 + 4 + 4;
    /** Most ranges an {@link Ack} carries. */
    int MAX_RANGES = 64;
    /** Longest close reason, in UTF-8 bytes. */
    int MAX_REASON = 512;

    byte INITIAL = 1;
    byte RETRY = 2;
    byte ACCEPT = 3;
    byte DATA = 4;
    byte ACK = 5;
    byte PING = 6;
    byte CLOSE = 7;
    byte CLOSE_ACK = 8;

    /** The receiver's connection id. */
    long destination();

    /** Writes the whole datagram into {@code out}. */
    void encode(ByteBuffer out);

    /**
     * Connection request, initiator to responder. Padded with zeros to at least
     * {@value #MIN_INITIAL} bytes so that nothing the responder sends back is larger.
     *
     * <pre>
     * | header (dcid = 0)  12 | source connection id  8 | token length  2 | token ... | zero padding ... |
     * </pre>
     */
    record Initial(long source, byte[] token, int paddedTo) implements Datagram {
        @Override
        public long destination() {
            return 0;
        }

        @Override
        public void encode(ByteBuffer out) {
            int start = out.position();
            header(out, INITIAL, 0).putLong(source).putShort((short) token.length).put(token);
            while (out.position() - start < paddedTo) {
                out.put((byte) 0);
            }
        }
    }

    /**
     * Address validation challenge, responder to initiator, sent statelessly in answer to an
     * {@link Initial} without a valid token. Always smaller than that {@link Initial}.
     *
     * <pre>
     * | header (dcid = initiator's id)  12 | token length  2 | token ... |
     * </pre>
     */
    record Retry(long destination, byte[] token) implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, RETRY, destination).putShort((short) token.length).put(token);
        }
    }

    /**
     * Connection accepted, responder to initiator, once the initiator's token proved its
     * address.
     *
     * <pre>
     * | header (dcid = initiator's id)  12 | source connection id (responder's)  8 |
     * </pre>
     */
    record Accept(long destination, long source) implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, ACCEPT, destination).putLong(source);
        }
    }

    /**
     * One segment of the message stream, with a cumulative acknowledgement piggybacked.
     *
     * <pre>
     * | header  12 | sequence number  8 | ack (next expected)  8 | window  4 | timestamp (us)  4 | payload ... |
     * </pre>
     *
     * @param payload a view of the payload bytes (position..limit)
     */
    record Data(long destination, long sequence, long ack, int window, int timestamp, ByteBuffer payload)
            implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, DATA, destination).putLong(sequence).putLong(ack).putInt(window).putInt(timestamp)
                    .put(payload.duplicate());
        }

        /**
         * The timestamp a {@code DATA} sent at {@code nanos} (a reading of the connection's
         * clock) carries: microseconds modulo 2^32, and 1 for 0, which means "none".
         */
        static int timestamp(long nanos) {
            int us = (int) (nanos / 1000);
            return us == 0 ? 1 : us;
        }
    }

    /**
     * Acknowledgement: cumulative, with selective ranges above it.
     *
     * <pre>
     * | header  12 | ack (next expected)  8 | window  4 | echoed timestamp  4 | ack delay (us)  4 |
     * | range count  2 | count x ( start offset from ack  4 | length  4 ) |
     * </pre>
     *
     * @param ranges received sequence ranges above {@code ack}, ascending, disjoint
     */
    record Ack(long destination, long ack, int window, int echo, int delayMicros, List<Range> ranges)
            implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, ACK, destination).putLong(ack).putInt(window).putInt(echo).putInt(delayMicros)
                    .putShort((short) ranges.size());
            for (Range r : ranges) {
                out.putInt((int) (r.start() - ack)).putInt((int) (r.end() - r.start()));
            }
        }
    }

    /** A range of sequence numbers, {@code start} inclusive, {@code end} exclusive. */
    record Range(long start, long end) {
    }

    /**
     * Keepalive: asks for an {@link Ack}.
     *
     * <pre>
     * | header  12 |
     * </pre>
     */
    record Ping(long destination) implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, PING, destination);
        }
    }

    /**
     * Orderly close, answered by {@link CloseAck}.
     *
     * <pre>
     * | header  12 | reason length  2 | reason (UTF-8) ... |
     * </pre>
     */
    record Close(long destination, String reason) implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(text.length, MAX_REASON);
            // cut on a character boundary, never inside one (found by UdpDatagramFuzzTest)
            while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) {
                n--;
            }
            header(out, CLOSE, destination).putShort((short) n).put(text, 0, n);
        }
    }

    /**
     * Confirms a {@link Close}.
     *
     * <pre>
     * | header  12 |
     * </pre>
     */
    record CloseAck(long destination) implements Datagram {
        @Override
        public void encode(ByteBuffer out) {
            header(out, CLOSE_ACK, destination);
        }
    }

    private static ByteBuffer header(ByteBuffer out, byte type, long destination) {
        return out.putShort((short) MAGIC).put((byte) VERSION).put(type).putLong(destination);
    }

    /**
     * Decodes one datagram, {@code in}'s position..limit. {@link Data#payload()} is a view
     * of {@code in}.
     *
     * @throws MalformedDatagramException naming the field, its value, the constraint and the offset
     */
    static Datagram decode(ByteBuffer in) {
        int length = in.remaining();
        need(in, HEADER, "header");
        int magic = in.getShort() & 0xFFFF;
        if (magic != MAGIC) {
            throw new MalformedDatagramException("magic: 0x" + Integer.toHexString(magic) + " (expected: 0x4a55) at offset 0");
        }
        int version = in.get() & 0xFF;
        if (version != VERSION) {
            throw new MalformedDatagramException("version: " + version + " (expected: " + VERSION + ") at offset 2");
        }
        byte type = in.get();
        long destination = in.getLong();
        return switch (type) {
            case INITIAL -> {
                if (length < MIN_INITIAL) {
                    throw new MalformedDatagramException("initial length: " + length + " (expected: at least "
                            + MIN_INITIAL + ")");
                }
                need(in, 10, "initial");
                long source = in.getLong();
                byte[] token = bytes(in, in.getShort() & 0xFFFF, "initial token");
                yield new Initial(source, token, length);
            }
            case RETRY -> {
                need(in, 2, "retry");
                yield new Retry(destination, bytes(in, in.getShort() & 0xFFFF, "retry token"));
            }
            case ACCEPT -> {
                need(in, 8, "accept");
                yield new Accept(destination, in.getLong());
            }
            case DATA -> {
                need(in, DATA_HEADER - HEADER, "data");
                long seq = in.getLong();
                long ack = in.getLong();
                int window = in.getInt();
                int ts = in.getInt();
                if (seq < 0 || ack < 0) {
                    throw new MalformedDatagramException("data sequence/ack: " + seq + "/" + ack
                            + " (expected: non-negative) at offset 12");
                }
                yield new Data(destination, seq, ack, window, ts, in.slice());
            }
            case ACK -> {
                need(in, 22, "ack");
                long ack = in.getLong();
                int window = in.getInt();
                int echo = in.getInt();
                int delay = in.getInt();
                int count = in.getShort() & 0xFFFF;
                if (ack < 0 || count > MAX_RANGES) {
                    throw new MalformedDatagramException("ack: " + ack + " with " + count
                            + " ranges (expected: non-negative, at most " + MAX_RANGES + " ranges) at offset 12");
                }
                need(in, 8 * count, "ack ranges");
                List<Range> ranges = new ArrayList<>(count);
                long floor = ack;
                for (int i = 0; i < count; i++) {
                    long start = ack + (in.getInt() & 0xFFFF_FFFFL);
                    long len = in.getInt() & 0xFFFF_FFFFL;
                    if (start <= floor || len == 0) {
                        throw new MalformedDatagramException("ack range " + i + ": start " + start + " length " + len
                                + " (expected: above " + floor + ", ascending, non-empty) at offset "
                                + (34 + 8 * i));
                    }
                    floor = start + len;
                    ranges.add(new Range(start, floor));
                }
                yield new Ack(destination, ack, window, echo, delay, List.copyOf(ranges));
            }
            case PING -> new Ping(destination);
            case CLOSE -> {
                need(in, 2, "close");
                int n = in.getShort() & 0xFFFF;
                if (n > MAX_REASON) {
                    throw new MalformedDatagramException("close reason length: " + n + " (expected: at most "
                            + MAX_REASON + ") at offset 12");
                }
                yield new Close(destination, new String(bytes(in, n, "close reason"), StandardCharsets.UTF_8));
            }
            case CLOSE_ACK -> new CloseAck(destination);
            default -> throw new MalformedDatagramException("type: " + type + " (expected: 1..8) at offset 3");
        };
    }

    private static void need(ByteBuffer in, int n, String what) {
        if (in.remaining() < n) {
            throw new MalformedDatagramException(what + ": " + in.remaining() + " bytes left (expected: at least "
                    + n + ") at offset " + in.position());
        }
    }

    private static byte[] bytes(ByteBuffer in, int n, String what) {
        need(in, n, what);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    /** A datagram that does not follow the protocol; the receiver drops it. */
    final class MalformedDatagramException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedDatagramException(String message) {
            super(message, null, false, false);
        }
    }
}
