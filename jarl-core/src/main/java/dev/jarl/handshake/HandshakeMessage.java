/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.HandshakeException.Reason;
import dev.jarl.term.NodeName;

/**
 * The handshake messages, version 6 plus the OTP 23/24 legacy pair, as carried in one
 * handshake frame (the diagrams show the bytes after the carrier's length field). All
 * integers are big-endian. Node names travel as Latin-1 bytes, as OTP 25 writes them
 * ({@code atom_to_binary(Node, latin1)}).
 *
 * <p>Decoders check every length against what remains and fail with
 * {@link Reason#PROTOCOL} in the form {@code field: actual (expected: ...) at offset n}.
 */
sealed interface HandshakeMessage {

    /** The bytes of this message, tag first. */
    byte[] encode();

    /**
     * {@code send_name}, version 6, initiator to acceptor.
     * <pre>
     * +-----+---------+------------+--------+----------+
     * | 'N' | Flags:8 | Creation:4 | NLen:2 | Name:NLen| (trailing bytes ignored)
     * +-----+---------+------------+--------+----------+
     * </pre>
     */
    record SendName(long flags, int creation, String name) implements HandshakeMessage {
        static final byte TAG = 'N';

        @Override
        public byte[] encode() {
            byte[] n = latin1(name);
            return ByteBuffer.allocate(1 + 8 + 4 + 2 + n.length)
                    .put(TAG).putLong(flags).putInt(creation).putShort((short) n.length).put(n).array();
        }

        static SendName decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_name");
            w.tag(TAG);
            long flags = w.u64("Flags");
            int creation = w.u32("Creation");
            int len = w.u16("NLen");
            return new SendName(flags, creation, w.text("Name", len));
        }
    }

    /**
     * Legacy {@code send_name}, version 5, from an OTP 23/24 initiator that did not learn the
     * acceptor's version from EPMD; must carry {@link DistFlags#HANDSHAKE_23} and is followed
     * by {@link SendComplement}.
     * <pre>
     * +-----+-----------+---------+-------------------+
     * | 'n' | Version:2 | Flags:4 | Name (rest)       |
     * +-----+-----------+---------+-------------------+
     * </pre>
     */
    record OldSendName(int version, long flags, String name) implements HandshakeMessage {
        static final byte TAG = 'n';

        @Override
        public byte[] encode() {
            byte[] n = latin1(name);
            return ByteBuffer.allocate(1 + 2 + 4 + n.length)
                    .put(TAG).putShort((short) version).putInt((int) flags).put(n).array();
        }

        static OldSendName decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_name (v5)");
            w.tag(TAG);
            int version = w.u16("Version");
            long flags = w.u32("Flags") & 0xFFFF_FFFFL;
            return new OldSendName(version, flags, w.text("Name", w.remaining()));
        }
    }

    /**
     * {@code send_status}, acceptor to initiator, and the initiator's {@code true}/{@code false}
     * reply after {@code alive}.
     * <pre>
     * +-----+-------------------------------------------+
     * | 's' | Status text: ok, ok_simultaneous, nok,    |
     * |     | not_allowed, alive, true, false, named:.. |
     * +-----+-------------------------------------------+
     * </pre>
     */
    record SendStatus(String status) implements HandshakeMessage {
        static final byte TAG = 's';

        @Override
        public byte[] encode() {
            byte[] s = status.getBytes(StandardCharsets.ISO_8859_1);
            return ByteBuffer.allocate(1 + s.length).put(TAG).put(s).array();
        }

        static SendStatus decode(byte[] m, String step) throws HandshakeException {
            Wire w = new Wire(m, step);
            w.tag(TAG);
            return new SendStatus(w.text("Status", w.remaining()));
        }
    }

    /**
     * {@code send_challenge}, acceptor to initiator: the acceptor's flags, challenge,
     * creation and name.
     * <pre>
     * +-----+---------+-------------+------------+--------+-----------+
     * | 'N' | Flags:8 | Challenge:4 | Creation:4 | NLen:2 | Name:NLen |
     * +-----+---------+-------------+------------+--------+-----------+
     * </pre>
     */
    record SendChallenge(long flags, int challenge, int creation, String name) implements HandshakeMessage {
        static final byte TAG = 'N';

        @Override
        public byte[] encode() {
            byte[] n = latin1(name);
            return ByteBuffer.allocate(1 + 8 + 4 + 4 + 2 + n.length).put(TAG).putLong(flags)
                    .putInt(challenge).putInt(creation).putShort((short) n.length).put(n).array();
        }

        static SendChallenge decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_challenge");
            w.tag(TAG);
            long flags = w.u64("Flags");
            int challenge = w.u32("Challenge");
            int creation = w.u32("Creation");
            int len = w.u16("NLen");
            return new SendChallenge(flags, challenge, creation, w.text("Name", len));
        }
    }

    /**
     * {@code send_complement}, initiator to acceptor, only after a legacy {@link OldSendName}:
     * the upper half of the initiator's flags and its creation.
     * <pre>
     * +-----+-------------+------------+
     * | 'c' | FlagsHigh:4 | Creation:4 |
     * +-----+-------------+------------+
     * </pre>
     */
    record SendComplement(long flagsHigh, int creation) implements HandshakeMessage {
        static final byte TAG = 'c';

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(9).put(TAG).putInt((int) flagsHigh).putInt(creation).array();
        }

        static SendComplement decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_complement");
            w.tag(TAG);
            long high = w.u32("FlagsHigh") & 0xFFFF_FFFFL;
            int creation = w.u32("Creation");
            w.end();
            return new SendComplement(high, creation);
        }
    }

    /**
     * {@code send_challenge_reply}, initiator to acceptor: the initiator's own challenge and
     * its digest of the acceptor's challenge.
     * <pre>
     * +-----+-------------+-----------+
     * | 'r' | Challenge:4 | Digest:16 |
     * +-----+-------------+-----------+
     * </pre>
     */
    record ChallengeReply(int challenge, byte[] digest) implements HandshakeMessage {
        static final byte TAG = 'r';

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(21).put(TAG).putInt(challenge).put(digest).array();
        }

        static ChallengeReply decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_challenge_reply");
            w.tag(TAG);
            int challenge = w.u32("Challenge");
            byte[] digest = w.bytes("Digest", 16);
            w.end();
            return new ChallengeReply(challenge, digest);
        }
    }

    /**
     * {@code send_challenge_ack}, acceptor to initiator: the acceptor's digest of the
     * initiator's challenge.
     * <pre>
     * +-----+-----------+
     * | 'a' | Digest:16 |
     * +-----+-----------+
     * </pre>
     */
    record ChallengeAck(byte[] digest) implements HandshakeMessage {
        static final byte TAG = 'a';

        @Override
        public byte[] encode() {
            return ByteBuffer.allocate(17).put(TAG).put(digest).array();
        }

        static ChallengeAck decode(byte[] m) throws HandshakeException {
            Wire w = new Wire(m, "send_challenge_ack");
            w.tag(TAG);
            byte[] digest = w.bytes("Digest", 16);
            w.end();
            return new ChallengeAck(digest);
        }
    }

    /** A node name as Latin-1 bytes. */
    static byte[] latin1(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Parses a received node name; BAD_NAME when it is not {@code alive@host}. */
    static NodeName parseName(String text, String step) throws HandshakeException {
        try {
            return NodeName.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(Reason.BAD_NAME, step + ": " + e.getMessage(), e);
        }
    }

    /** A bounds-checked reader over one message; every failure names the field and offset. */
    final class Wire {
        private final byte[] m;
        private final String message;
        private int offset;

        Wire(byte[] m, String message) {
            this.m = m;
            this.message = message;
        }

        int remaining() {
            return m.length - offset;
        }

        void tag(byte expected) throws HandshakeException {
            need("tag", 1);
            byte tag = m[offset];
            if (tag != expected) {
                throw fail("tag", tagText(tag), "'" + (char) expected + "'");
            }
            offset++;
        }

        int u16(String field) throws HandshakeException {
            need(field, 2);
            int v = ((m[offset] & 0xFF) << 8) | (m[offset + 1] & 0xFF);
            offset += 2;
            return v;
        }

        int u32(String field) throws HandshakeException {
            need(field, 4);
            int v = ByteBuffer.wrap(m, offset, 4).getInt();
            offset += 4;
            return v;
        }

        long u64(String field) throws HandshakeException {
            need(field, 8);
            long v = ByteBuffer.wrap(m, offset, 8).getLong();
            offset += 8;
            return v;
        }

        byte[] bytes(String field, int n) throws HandshakeException {
            need(field, n);
            byte[] b = Arrays.copyOfRange(m, offset, offset + n);
            offset += n;
            return b;
        }

        String text(String field, int n) throws HandshakeException {
            return new String(bytes(field, n), StandardCharsets.ISO_8859_1);
        }

        void end() throws HandshakeException {
            if (offset != m.length) {
                throw fail("length", Integer.toString(m.length) + " bytes", offset + " bytes");
            }
        }

        private void need(String field, int n) throws HandshakeException {
            if (m.length - offset < n) {
                throw fail(field, (m.length - offset) + " bytes left", n + " bytes");
            }
        }

        private HandshakeException fail(String field, String actual, String expected) {
            return new HandshakeException(Reason.PROTOCOL,
                    message + "." + field + ": " + actual + " (expected: " + expected + ") at offset " + offset);
        }

        static String tagText(byte tag) {
            return tag >= 0x20 && tag < 0x7F ? "'" + (char) tag + "'" : Integer.toString(tag & 0xFF);
        }
    }
}
