/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.NodeName;

/**
 * One connection's figures at one moment: a row of {@link NodeStats#connections()}. The
 * counters count from the moment the connection came up ({@link #since()}); a new connection
 * to the same peer starts again from zero, as OTP's do. Counters are read one by one while
 * traffic flows, so two of them may be a packet apart; each one only grows.
 *
 * <p>What counts as what:
 * <ul>
 *   <li>A <em>packet</em> is one distribution packet: a whole message or control signal, or
 *       one fragment of a fragmented message. Ticks (empty packets) are not packets here: they
 *       are {@link #ticksIn()} and {@link #ticksOut()}.</li>
 *   <li><em>Bytes</em> are the packets' bytes as the channel hands them to the carrier or takes
 *       them from it: the distribution header and the encoded terms, without the carrier's own
 *       framing (the 4-byte length of TCP, TLS and Unix sockets; UDP's segment headers and
 *       retransmissions) and without the handshake. OTP's {@code inet:getstat/2} on a
 *       TCP distribution socket counts the socket's octets, so it also counts 4 bytes per
 *       packet and tick and the handshake.</li>
 * </ul>
 *
 * @param peer           the node at the other end
 * @param carrier        the carrier's name ({@code tcp}, {@code tls}, {@code uds}, {@code udp},
 *                       {@code mem}, or a custom carrier's)
 * @param address        the peer's transport address, for example {@code 127.0.0.1:51234}
 * @param state          {@link State#UP}, or {@link State#UP_PENDING} while a new incoming
 *                       connection from the same node waits to replace this one
 * @param hidden         true when either side is hidden (no {@code global} or {@code pg} traffic)
 * @param since          when the handshake finished
 * @param flags          the distribution flags both sides agreed ({@link DistFlags})
 * @param bytesIn        bytes of packets received
 * @param bytesOut       bytes of packets handed to the carrier to send
 * @param packetsIn      packets received (ticks excluded)
 * @param packetsOut     packets handed to the carrier (ticks excluded)
 * @param ticksIn        ticks received
 * @param ticksOut       ticks this node asked the carrier to send (it leaves one out when
 *                       its output is busy anyway, as the BEAM's does)
 * @param queuedBytes    bytes of encoded messages waiting in the output queue now
 * @param queuedPackets  messages waiting in the output queue now (a fragmented message counts
 *                       once until its last fragment has left)
 * @param busyWaits      how many times a sender waited because the output queue was at the
 *                       busy limit
 * @param busyTime       the time senders spent waiting at the busy limit, added up over
 *                       senders
 * @param carrierFigures figures only some carriers have, by name (see
 *                       {@link dev.jarl.carrier.CarrierConnection#figures()}); empty for
 *                       the stream carriers. UDP: {@code rtt_us}, {@code retransmissions},
 *                       {@code window}, ...
 */
public record ConnectionStats(NodeName peer, String carrier, String address, State state, boolean hidden,
        Instant since, long flags, long bytesIn, long bytesOut, long packetsIn, long packetsOut, long ticksIn,
        long ticksOut, long queuedBytes, long queuedPackets, long busyWaits, Duration busyTime,
        Map<String, Long> carrierFigures) {

    /** A connection's state, as {@code net_kernel:nodes_info/0} reports it. */
    public enum State {
        /** Up and in use. */
        UP,
        /** Up, and a new incoming connection from the same node waits to replace it. */
        UP_PENDING;

        /** The name {@code net_kernel} uses: {@code up} or {@code up_pending}. */
        public String erlangName() {
            return this == UP ? "up" : "up_pending";
        }
    }

    /** Checks for nulls and copies the figures. */
    public ConnectionStats {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(carrier, "carrier");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(busyTime, "busyTime");
        carrierFigures = Map.copyOf(carrierFigures);
    }

    /** The names of the agreed flags, as {@link DistFlags#names(long)} gives them. */
    public List<String> flagNames() {
        return DistFlags.names(flags);
    }
}
