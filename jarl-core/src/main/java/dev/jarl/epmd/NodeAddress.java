/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What EPMD knows about a registered node: the body of {@code ALIVE2_REQ} and of a successful
 * {@code PORT2_RESP}, which share one layout (big-endian).
 *
 * <pre>
 *     2        1         1          2           2         2       NLen     2      ELen
 * +--------+----------+----------+-----------+----------+------+------+------+-------+
 * | PortNo | NodeType | Protocol | HighestV. | LowestV. | NLen | Name | ELen | Extra |
 * +--------+----------+----------+-----------+----------+------+------+------+-------+
 * </pre>
 *
 * <p>Node type 77 ({@code 'M'}) is a normal Erlang node and 72 ({@code 'H'}) a hidden one, as
 * the protocol guide says; OTP 25's {@code erl_epmd} registers 77 for every node, hidden or
 * not, and JInterface registers 110 ({@code 'n'}). Protocol 0 is TCP/IPv4. The versions are
 * distribution protocol versions: OTP 23 and later register highest 6; OTP 25.2.3 registers
 * lowest 5.
 *
 * @param name           the alive part of the node name (UTF-8 on the wire, at most 255 characters)
 * @param port           the node's distribution port
 * @param nodeType       77 normal, 72 hidden, or what the node registered
 * @param protocol       0 for TCP/IPv4
 * @param highestVersion the highest distribution version the node speaks
 * @param lowestVersion  the lowest distribution version the node speaks
 * @param extra          opaque bytes the node registered (OTP registers none)
 */
public record NodeAddress(String name, int port, int nodeType, int protocol,
                          int highestVersion, int lowestVersion, byte[] extra) {

    /** Node type of a normal Erlang node, {@code 'M'}. */
    public static final int NORMAL = 77;
    /** Node type of a hidden node, {@code 'H'}, as the protocol guide documents it. */
    public static final int HIDDEN = 72;
    /** Protocol 0: TCP/IPv4. */
    public static final int TCP_IPV4 = 0;
    /** The highest distribution version OTP 23 and later register. */
    public static final int HIGHEST_VERSION = 6;
    /** The lowest distribution version OTP 25.2.3 registers. */
    public static final int LOWEST_VERSION = 5;

    /** Checks every field fits its wire width and copies {@code extra}. */
    public NodeAddress {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(extra, "extra");
        check("port", port, 0xFFFF);
        check("nodeType", nodeType, 0xFF);
        check("protocol", protocol, 0xFF);
        check("highestVersion", highestVersion, 0xFFFF);
        check("lowestVersion", lowestVersion, 0xFFFF);
        if (extra.length > EpmdCodec.MAX_EXTRA) {
            throw new IllegalArgumentException("extra: " + extra.length + " bytes (expected: at most " + EpmdCodec.MAX_EXTRA + ")");
        }
        extra = extra.clone();
    }

    /** A node registered the way OTP 25 registers one: type 77, TCP, versions 6 to 5, no extra. */
    public static NodeAddress otp(String name, int port) {
        return new NodeAddress(name, port, NORMAL, TCP_IPV4, HIGHEST_VERSION, LOWEST_VERSION, new byte[0]);
    }

    private static void check(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: 0-" + max + ")");
        }
    }

    /** A copy of the extra bytes. */
    @Override
    public byte[] extra() {
        return extra.clone();
    }

    /** True when the node registered as hidden (type 72). */
    public boolean isHidden() {
        return nodeType == HIDDEN;
    }

    /** The name as EPMD stores it: UTF-8. */
    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeAddress n && name.equals(n.name) && port == n.port && nodeType == n.nodeType
                && protocol == n.protocol && highestVersion == n.highestVersion
                && lowestVersion == n.lowestVersion && Arrays.equals(extra, n.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, port, nodeType, protocol, highestVersion, lowestVersion, Arrays.hashCode(extra));
    }

    @Override
    public String toString() {
        return "NodeAddress[name=" + name + ", port=" + port + ", nodeType=" + nodeType + ", protocol=" + protocol
                + ", highestVersion=" + highestVersion + ", lowestVersion=" + lowestVersion
                + ", extra=" + HexFormat.of().formatHex(extra) + "]";
    }
}
