/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.util.ArrayList;
import java.util.List;

/**
 * Distribution capability flags exchanged in the handshake, with the names OTP uses in
 * {@code dist.hrl} and in its log lines ({@code dist_util:dflag2str/1}).
 *
 * <p>Values follow the code (erlang/otp {@code erts/emulator/beam/dist.h},
 * {@code lib/kernel/include/dist.hrl}), which wins over the protocol guide where they differ
 * (the guide prints {@code MANDATORY_25_DIGEST} as {@code 1 bsl 36}; the code uses
 * {@code 1 bsl 26}).
 *
 * <p>Jarl offers {@link #DEFAULT_OFFERED}: everything OTP 25 and 26 make mandatory plus the
 * optional flags whose messages it handles; it requires {@link #DEFAULT_REQUIRED}, OTP 25's
 * mandatory set, so JInterface 1.13 and OTP 25 peers connect.
 */
public final class DistFlags {

    private DistFlags() {
    }

    /** The connection is visible (published); without it the connection is hidden. */
    public static final long PUBLISHED = 0x1L;
    /** Obsolete atom cache. */
    public static final long ATOM_CACHE = 0x2L;
    /** Extended (3-word) references; mandatory since OTP 25. */
    public static final long EXTENDED_REFERENCES = 0x4L;
    /** MONITOR_P, DEMONITOR_P, MONITOR_P_EXIT. */
    public static final long DIST_MONITOR = 0x8L;
    /** FUN_EXT; mandatory since OTP 25. */
    public static final long FUN_TAGS = 0x10L;
    /** Monitors by registered name. */
    public static final long DIST_MONITOR_NAME = 0x20L;
    /** Obsolete hidden atom cache. */
    public static final long HIDDEN_ATOM_CACHE = 0x40L;
    /** NEW_FUN_EXT; mandatory since OTP 25. */
    public static final long NEW_FUN_TAGS = 0x80L;
    /** Extended pids and ports; mandatory since OTP 25. */
    public static final long EXTENDED_PIDS_PORTS = 0x100L;
    /** EXPORT_EXT; mandatory since OTP 25. */
    public static final long EXPORT_PTR_TAG = 0x200L;
    /** BIT_BINARY_EXT; mandatory since OTP 25. */
    public static final long BIT_BINARIES = 0x400L;
    /** NEW_FLOAT_EXT; mandatory since OTP 25. */
    public static final long NEW_FLOATS = 0x800L;
    /** Unicode I/O. */
    public static final long UNICODE_IO = 0x1000L;
    /** Atom cache in the distribution header. */
    public static final long DIST_HDR_ATOM_CACHE = 0x2000L;
    /** SMALL_ATOM_EXT. */
    public static final long SMALL_ATOM_TAGS = 0x4000L;
    /** UTF-8 atoms; mandatory since OTP 25. */
    public static final long UTF8_ATOMS = 0x10000L;
    /** MAP_EXT; mandatory since OTP 25. */
    public static final long MAP_TAG = 0x20000L;
    /** 32-bit creations (NEW_PID_EXT, NEW_PORT_EXT, NEWER_REFERENCE_EXT); mandatory since OTP 25. */
    public static final long BIG_CREATION = 0x40000L;
    /** SEND_SENDER and SEND_SENDER_TT instead of SEND and SEND_TT. */
    public static final long SEND_SENDER = 0x80000L;
    /** Sequential trace labels of any term. */
    public static final long BIG_SEQTRACE_LABELS = 0x100000L;
    /** PAYLOAD_* control messages for exit signals with payload. */
    public static final long EXIT_PAYLOAD = 0x400000L;
    /** Fragmented messages. */
    public static final long FRAGMENTS = 0x800000L;
    /** Handshake version 6; mandatory since OTP 25. */
    public static final long HANDSHAKE_23 = 0x1000000L;
    /** The new link protocol (UNLINK_ID, UNLINK_ID_ACK); mandatory since OTP 26. */
    public static final long UNLINK_ID = 0x2000000L;
    /** Shorthand for all of {@link #MANDATORY_25}; see {@link #expandDigest(long)}. */
    public static final long MANDATORY_25_DIGEST = 0x4000000L;
    /** SPAWN_REQUEST and SPAWN_REPLY. */
    public static final long SPAWN = 1L << 32;
    /** The initiator asks the acceptor for a dynamic node name; a request, not a capability. */
    public static final long NAME_ME = 1L << 33;
    /** 64-bit pid and port data, references of up to 5 words; mandatory since OTP 26. */
    public static final long V4_NC = 1L << 34;
    /** ALIAS_SEND and ALIAS_SEND_TT. */
    public static final long ALIAS = 1L << 35;
    /** Alternate signal route (OTP 28, ALTACT_SIG_SEND). */
    public static final long ALTACT_SIG = 1L << 37;

    /** What OTP 25 requires: {@code 0x1070F94}, the eleven flags {@link #MANDATORY_25_DIGEST} stands for. */
    public static final long MANDATORY_25 = EXTENDED_REFERENCES | FUN_TAGS | NEW_FUN_TAGS
            | EXTENDED_PIDS_PORTS | EXPORT_PTR_TAG | BIT_BINARIES | NEW_FLOATS | UTF8_ATOMS
            | MAP_TAG | BIG_CREATION | HANDSHAKE_23;

    /** What OTP 26 and 27 require: {@link #MANDATORY_25} plus {@link #UNLINK_ID} and {@link #V4_NC}. */
    public static final long MANDATORY_26 = MANDATORY_25 | UNLINK_ID | V4_NC;

    /**
     * What Jarl offers unless told otherwise: {@link #MANDATORY_26}, the digest flag (as
     * JInterface 1.14 sends it) and the optional flags whose messages Jarl handles today.
     * The node adds {@link #PUBLISHED} when it is visible. Since the processes work:
     * DIST_MONITOR, DIST_MONITOR_NAME, EXIT_PAYLOAD and ALIAS (the node downgrades what it
     * sends to a peer that lacks them); since RPC: SPAWN (without it OTP 25's {@code rpc:call}
     * and {@code erpc:call} into Jarl fail with {@code notsup}); since the performance work:
     * FRAGMENTS and DIST_HDR_ATOM_CACHE (see {@code DistPacket}).
     */
    public static final long DEFAULT_OFFERED = MANDATORY_26 | MANDATORY_25_DIGEST
            | SEND_SENDER | BIG_SEQTRACE_LABELS | DIST_MONITOR | DIST_MONITOR_NAME | EXIT_PAYLOAD | ALIAS | SPAWN
            | FRAGMENTS | DIST_HDR_ATOM_CACHE;

    /** What Jarl requires of a peer unless told otherwise: OTP 25's mandatory set. */
    public static final long DEFAULT_REQUIRED = MANDATORY_25;

    private static final String[] NAMES = new String[64];

    static {
        NAMES[0] = "PUBLISHED";
        NAMES[1] = "ATOM_CACHE";
        NAMES[2] = "EXTENDED_REFERENCES";
        NAMES[3] = "DIST_MONITOR";
        NAMES[4] = "FUN_TAGS";
        NAMES[5] = "DIST_MONITOR_NAME";
        NAMES[6] = "HIDDEN_ATOM_CACHE";
        NAMES[7] = "NEW_FUN_TAGS";
        NAMES[8] = "EXTENDED_PIDS_PORTS";
        NAMES[9] = "EXPORT_PTR_TAG";
        NAMES[10] = "BIT_BINARIES";
        NAMES[11] = "NEW_FLOATS";
        NAMES[12] = "UNICODE_IO";
        NAMES[13] = "DIST_HDR_ATOM_CACHE";
        NAMES[14] = "SMALL_ATOM_TAGS";
        NAMES[16] = "UTF8_ATOMS";
        NAMES[17] = "MAP_TAG";
        NAMES[18] = "BIG_CREATION";
        NAMES[19] = "SEND_SENDER";
        NAMES[20] = "BIG_SEQTRACE_LABELS";
        NAMES[22] = "EXIT_PAYLOAD";
        NAMES[23] = "FRAGMENTS";
        NAMES[24] = "HANDSHAKE_23";
        NAMES[25] = "UNLINK_ID";
        NAMES[26] = "MANDATORY_25_DIGEST";
        NAMES[32] = "SPAWN";
        NAMES[33] = "NAME_ME";
        NAMES[34] = "V4_NC";
        NAMES[35] = "ALIAS";
        NAMES[37] = "ALTACT_SIG";
    }

    /**
     * The names of the flags set in {@code flags}, lowest bit first; a bit without a name
     * appears as {@code UNKNOWN<hex>} as in OTP's log lines.
     */
    public static List<String> names(long flags) {
        List<String> names = new ArrayList<>(Long.bitCount(flags));
        long left = flags;
        while (left != 0) {
            long bit = Long.lowestOneBit(left);
            left &= ~bit;
            String name = NAMES[Long.numberOfTrailingZeros(bit)];
            names.add(name != null ? name : "UNKNOWN<" + Long.toHexString(bit).toUpperCase(java.util.Locale.ROOT) + ">");
        }
        return List.copyOf(names);
    }

    /**
     * Expands {@link #MANDATORY_25_DIGEST}: when it is set, the result also has every flag of
     * {@link #MANDATORY_25}, as OTP 25+ does with a peer's flags before comparing
     * ({@code dist_util:expand_mandatory_25_flag/1}). Otherwise {@code flags} unchanged.
     */
    public static long expandDigest(long flags) {
        return (flags & MANDATORY_25_DIGEST) != 0 ? flags | MANDATORY_25 : flags;
    }
}
