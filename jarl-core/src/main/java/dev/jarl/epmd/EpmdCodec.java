/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of EPMD requests and of the binary parts of its answers. Pure functions; no I/O.
 *
 * <p>Limits are OTP's epmd's ({@code erts/epmd/src/epmd_int.h}): a name is at most 255
 * characters and 1020 bytes of UTF-8 ({@code MAXSYMLEN}), so is the extra field, and a request
 * is at most 3057 bytes after its length (epmd's 3060-byte input buffer).
 */
final class EpmdCodec {

    static final int ALIVE2_REQ = 120;
    static final int ALIVE2_X_RESP = 118;
    static final int ALIVE2_RESP = 121;
    static final int PORT_PLEASE2_REQ = 122;
    static final int PORT2_RESP = 119;
    static final int NAMES_REQ = 110;
    static final int DUMP_REQ = 100;
    static final int KILL_REQ = 107;
    static final int STOP_REQ = 115;

    /** Largest request body (after the length) epmd accepts. */
    static final int MAX_REQUEST = 3057;
    /** Largest alive name, in bytes of UTF-8. */
    static final int MAX_NAME_BYTES = 1020;
    /** Largest alive name, in characters. */
    static final int MAX_NAME_CHARS = 255;
    /** Largest extra field, in bytes. */
    static final int MAX_EXTRA = 1020;
    /** Fixed part of a {@link NodeAddress} before the name: port, type, protocol, versions, name length. */
    static final int NODE_HEAD = 10;

    private EpmdCodec() {
    }

    /** A message that does not follow the protocol; the text follows the failure vocabulary. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        /** For a well-framed ALIVE2_REQ whose name is not acceptable: the highest version, to shape the refusal; else -1. */
        final int refuseWithVersion;

        Malformed(String message) {
            this(message, -1);
        }

        Malformed(String message, int refuseWithVersion) {
            super(message);
            this.refuseWithVersion = refuseWithVersion;
        }
    }

    /** Encodes a request with its two-byte length, ready to write. */
    static byte[] encode(EpmdRequest request) {
        ByteBuffer body = switch (request) {
            case EpmdRequest.Alive2Request(NodeAddress node) -> {
                byte[] name = node.nameBytes();
                byte[] extra = node.extra();
                ByteBuffer b = ByteBuffer.allocate(1 + NODE_HEAD + name.length + 2 + extra.length);
                b.put((byte) ALIVE2_REQ);
                b.putShort((short) node.port()).put((byte) node.nodeType()).put((byte) node.protocol());
                b.putShort((short) node.highestVersion()).putShort((short) node.lowestVersion());
                b.putShort((short) name.length).put(name).putShort((short) extra.length).put(extra);
                yield b;
            }
            case EpmdRequest.PortPlease2Request(String name) -> tagged(PORT_PLEASE2_REQ, name);
            case EpmdRequest.NamesRequest() -> tagged(NAMES_REQ, null);
            case EpmdRequest.DumpRequest() -> tagged(DUMP_REQ, null);
            case EpmdRequest.KillRequest() -> tagged(KILL_REQ, null);
            case EpmdRequest.StopRequest(String name) -> tagged(STOP_REQ, name);
        };
        int length = body.position();
        if (length > MAX_REQUEST) {
            throw new IllegalArgumentException("request: " + length + " bytes (expected: at most " + MAX_REQUEST + ")");
        }
        ByteBuffer framed = ByteBuffer.allocate(2 + length);
        framed.putShort((short) length).put(body.array(), 0, length);
        return framed.array();
    }

    private static ByteBuffer tagged(int tag, String name) {
        byte[] bytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + bytes.length).put((byte) tag).put(bytes);
    }

    /**
     * Checks an alive name as OTP's epmd does: 1 to 255 characters, at most 1020 bytes of
     * UTF-8, no NUL.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static String checkAlive(String alive) {
        if (alive == null || alive.isEmpty()) {
            throw new IllegalArgumentException("alive name: empty (expected: 1-" + MAX_NAME_CHARS + " characters)");
        }
        int chars = alive.codePointCount(0, alive.length());
        if (chars > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("alive name: " + chars + " characters (expected: at most " + MAX_NAME_CHARS + ")");
        }
        if (alive.indexOf('\0') >= 0 || alive.indexOf('@') >= 0) {
            throw new IllegalArgumentException("alive name: '" + alive.replace('\0', '?') + "' (expected: no NUL and no '@')");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(alive)) {
            throw new IllegalArgumentException("alive name: not encodable as UTF-8 (expected: valid Unicode)");
        }
        return alive;
    }

    /**
     * Decodes a request body (after the length) as OTP's epmd reads it. Bytes after a complete
     * {@code ALIVE2_REQ} are ignored, as epmd ignores them.
     */
    static EpmdRequest decodeRequest(byte[] body) throws Malformed {
        if (body.length < 1 || body.length > MAX_REQUEST) {
            throw new Malformed("request length: " + body.length + " (expected: 1-" + MAX_REQUEST + ")");
        }
        int tag = body[0] & 0xFF;
        return switch (tag) {
            case ALIVE2_REQ -> decodeAlive2(body);
            case PORT_PLEASE2_REQ -> new EpmdRequest.PortPlease2Request(decodePortPleaseName(body));
            case NAMES_REQ -> new EpmdRequest.NamesRequest();
            case DUMP_REQ -> new EpmdRequest.DumpRequest();
            case KILL_REQ -> new EpmdRequest.KillRequest();
            case STOP_REQ -> new EpmdRequest.StopRequest(
                    new String(body, 1, body.length - 1, StandardCharsets.ISO_8859_1));
            default -> throw new Malformed("request tag: " + tag + " (expected: one of 100, 107, 110, 115, 120, 122) at offset 0");
        };
    }

    private static EpmdRequest decodeAlive2(byte[] body) throws Malformed {
        if (body.length < 1 + NODE_HEAD + 1 + 2) {
            throw new Malformed("ALIVE2_REQ length: " + body.length + " (expected: at least 14)");
        }
        ByteBuffer b = ByteBuffer.wrap(body, 1, body.length - 1);
        NodeAddress node;
        int highest = (body[5] & 0xFF) << 8 | body[6] & 0xFF;
        node = decodeNode(b, "ALIVE2_REQ", 1, highest);
        return new EpmdRequest.Alive2Request(node);
    }

    /**
     * Decodes a {@link NodeAddress} starting at the buffer's position. The lengths are checked
     * against what remains and against the limits before anything is copied.
     *
     * @param base              the offset of the node's first byte in the message, for messages
     * @param refuseWithVersion for a request, the highest version to shape a refusal when only
     *                          the name or extra is unacceptable; -1 for a reply
     */
    static NodeAddress decodeNode(ByteBuffer b, String what, int base, int refuseWithVersion) throws Malformed {
        int start = b.position() - base;
        if (b.remaining() < NODE_HEAD) {
            throw new Malformed(what + " length: " + b.remaining() + " (expected: at least " + NODE_HEAD + ")");
        }
        int port = b.getShort() & 0xFFFF;
        int type = b.get() & 0xFF;
        int protocol = b.get() & 0xFF;
        int high = b.getShort() & 0xFFFF;
        int low = b.getShort() & 0xFFFF;
        int nameLength = b.getShort() & 0xFFFF;
        if (nameLength + 2 > b.remaining()) {
            throw new Malformed(what + " name length: " + nameLength + " (expected: at most " + Math.max(0, b.remaining() - 2)
                    + ", what remains) at offset " + (b.position() - 2 - start));
        }
        int nameOffset = b.position();
        byte[] rawName = new byte[nameLength];
        b.get(rawName);
        int extraLength = b.getShort() & 0xFFFF;
        if (extraLength > b.remaining()) {
            throw new Malformed(what + " extra length: " + extraLength + " (expected: at most " + b.remaining()
                    + ", what remains) at offset " + (b.position() - 2 - start));
        }
        for (byte c : rawName) {
            if (c == 0) {
                throw new Malformed(what + " name: contains NUL (expected: no NUL) at offset " + (nameOffset - start));
            }
        }
        if (extraLength > MAX_EXTRA) {
            throw new Malformed(what + " extra length: " + extraLength + " (expected: at most " + MAX_EXTRA + ")", refuseWithVersion);
        }
        String name = decodeName(rawName, what, refuseWithVersion);
        byte[] extra = new byte[extraLength];
        b.get(extra);
        return new NodeAddress(name, port, type, protocol, high, low, extra);
    }

    private static String decodePortPleaseName(byte[] body) throws Malformed {
        int end = body.length;
        if (body[end - 1] == 0) {
            end--; // a NUL terminator is allowed, as epmd allows it
        }
        if (end <= 1) {
            throw new Malformed("PORT_PLEASE2_REQ name: empty (expected: 1-" + MAX_NAME_CHARS + " characters)");
        }
        for (int i = 1; i < end; i++) {
            if (body[i] == 0) {
                throw new Malformed("PORT_PLEASE2_REQ name: contains NUL (expected: no NUL) at offset " + i);
            }
        }
        byte[] raw = java.util.Arrays.copyOfRange(body, 1, end);
        return decodeName(raw, "PORT_PLEASE2_REQ", -1);
    }

    /** Strict UTF-8, 1 to 255 characters, at most 1020 bytes. */
    static String decodeName(byte[] raw, String what, int refuseWithVersion) throws Malformed {
        if (raw.length == 0) {
            throw new Malformed(what + " name: empty (expected: 1-" + MAX_NAME_CHARS + " characters)", refuseWithVersion);
        }
        if (raw.length > MAX_NAME_BYTES) {
            throw new Malformed(what + " name length: " + raw.length + " (expected: at most " + MAX_NAME_BYTES + ")", refuseWithVersion);
        }
        String name;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            name = chars.toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(what + " name: not UTF-8 (expected: UTF-8)", refuseWithVersion);
        }
        int count = name.codePointCount(0, name.length());
        if (count > MAX_NAME_CHARS) {
            throw new Malformed(what + " name: " + count + " characters (expected: at most " + MAX_NAME_CHARS + ")", refuseWithVersion);
        }
        return name;
    }
}
