/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.security.SecureRandom;
import java.util.Objects;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.HandshakeException.Reason;
import dev.jarl.handshake.HandshakeMessage.ChallengeAck;
import dev.jarl.handshake.HandshakeMessage.ChallengeReply;
import dev.jarl.handshake.HandshakeMessage.OldSendName;
import dev.jarl.handshake.HandshakeMessage.SendChallenge;
import dev.jarl.handshake.HandshakeMessage.SendComplement;
import dev.jarl.handshake.HandshakeMessage.SendName;
import dev.jarl.handshake.HandshakeMessage.SendStatus;
import dev.jarl.term.NodeName;
import dev.jarl.term.Printable;

/**
 * The distribution handshake, version 6, both roles, in direct style: the Java form of
 * OTP's {@code dist_util:handshake_we_started/1} ({@link #initiate}) and
 * {@code dist_util:handshake_other_started/1} ({@link #accept}).
 *
 * <p>Each method runs on the calling thread from the first message to the last and returns
 * only on success, after {@link CarrierConnection#preNodeup()} and
 * {@link CarrierConnection#postNodeup()}. It never calls
 * {@link CarrierConnection#handshakeComplete}: the node does, once it has created the
 * channel. On failure it throws {@link HandshakeException} and leaves the connection open
 * for the caller to close. Every receive waits at most {@link HandshakeConfig#setupTime()},
 * counted anew for each step. Interrupting the thread cancels the handshake
 * ({@link Reason#SHUTDOWN}).
 */
public final class Handshake {

    private static final System.Logger LOG = System.getLogger(Handshake.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LEGACY_VERSION = 5;

    private Handshake() {
    }

    /**
     * Runs the initiating side over {@code conn}, a fresh connection to {@code peer}:
     * {@code send_name}, status, challenge, reply, ack.
     *
     * @param arbiter asked {@link Arbiter#isPending} when the acceptor answers {@code alive}
     * @throws HandshakeException with the reason; {@link Reason#NOK} means the acceptor's own
     *                            attempt to this node wins
     */
    public static HandshakeResult initiate(CarrierConnection conn, HandshakeConfig config, NodeName peer,
                                           Arbiter arbiter) throws HandshakeException {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(arbiter, "arbiter");
        send(conn, new SendName(config.offeredFlags(), config.creation(), config.self().toString()));

        String status = SendStatus.decode(receive(conn, config, "recv_status", peer), "recv_status").status();
        switch (status) {
            case "ok", "ok_simultaneous" -> { }
            case "nok" -> throw new HandshakeException(Reason.NOK,
                    peer + " answered nok: its own connection attempt to " + config.self() + " wins");
            case "not_allowed" -> throw new HandshakeException(Reason.NOT_ALLOWED, peer + " does not allow "
                    + config.self() + " to connect (not_allowed)");
            case "alive" -> {
                boolean pending = arbiter.isPending(peer);
                send(conn, new SendStatus(pending ? "true" : "false"));
                if (!pending) {
                    throw new HandshakeException(Reason.ALIVE, peer + " already has a connection to "
                            + config.self() + " and this attempt is no longer pending");
                }
            }
            default -> throw new HandshakeException(Reason.PROTOCOL, "recv_status.Status: '" + Printable.escape(status)
                    + "' (expected: ok, ok_simultaneous, nok, not_allowed or alive) at offset 1 from " + peer);
        }

        SendChallenge challenge = SendChallenge.decode(receive(conn, config, "recv_challenge", peer));
        if (!challenge.name().equals(peer.toString())) {
            throw new HandshakeException(Reason.BAD_NAME, "recv_challenge.Name: '" + Printable.escape(challenge.name())
                    + "' (expected: '" + peer + "', the node dialed) at offset 19");
        }
        long peerFlags = DistFlags.expandDigest(challenge.flags());
        requireFlags(config, peer, peerFlags, config.requiredFlags(), "to", "aborted");

        int ours = RANDOM.nextInt();
        send(conn, new ChallengeReply(ours, config.cookie().digest(challenge.challenge())));
        byte[] acknowledgement;
        try {
            acknowledgement = receive(conn, config, "recv_challenge_ack", peer);
        } catch (HandshakeException e) {
            if (e.reason() != Reason.CLOSED) {
                throw e;
            }
            // A BEAM node that finds our digest wrong closes without a word (dist_util's
            // recv_challenge_reply): nothing else closes at this step in practice.
            throw new HandshakeException(Reason.DIGEST_REJECTED, peer + " closed the connection right after "
                    + "receiving our cookie digest: most likely the cookies differ (ours came from "
                    + config.cookie().source() + ")", e);
        }
        ChallengeAck ack = ChallengeAck.decode(acknowledgement);
        if (!config.cookie().matches(ours, ack.digest())) {
            throw new HandshakeException(Reason.BAD_DIGEST, peer + " accepted our digest but its own does not match "
                    + "our cookie: the cookies differ (ours came from " + config.cookie().source()
                    + "; the peer may have a cookie set for this node alone)");
        }
        nodeup(conn, peer);
        return new HandshakeResult(peer, peerFlags, config.offeredFlags() & peerFlags, challenge.creation(), true);
    }

    /**
     * Runs the accepting side over {@code conn}, a connection a listener just accepted:
     * name, checks, {@link Arbiter#markPending}, status, challenge, (complement), reply, ack.
     * Accepts the version 6 {@code 'N'} name and the legacy {@code 'n'} + {@code 'c'} pair
     * of OTP 23/24 initiators.
     *
     * @throws HandshakeException with the reason; a peer refused for its flags or by
     *                            {@link HandshakeConfig#allowed()} has been told
     *                            {@code not_allowed}
     */
    public static HandshakeResult accept(CarrierConnection conn, HandshakeConfig config, Arbiter arbiter)
            throws HandshakeException {
        Objects.requireNonNull(arbiter, "arbiter");
        byte[] first = receive(conn, config, "recv_name", null);
        boolean legacy = first[0] == OldSendName.TAG;
        long flags;
        int creation;
        String name;
        if (legacy) {
            OldSendName old = OldSendName.decode(first);
            if (old.version() != LEGACY_VERSION) {
                throw new HandshakeException(Reason.PROTOCOL, "send_name (v5).Version: " + old.version()
                        + " (expected: 5) at offset 1");
            }
            flags = old.flags();
            creation = 0;
            name = old.name();
        } else {
            SendName sn = SendName.decode(first);
            flags = sn.flags();
            creation = sn.creation();
            name = sn.name();
        }
        if ((flags & DistFlags.NAME_ME) != 0) {
            send(conn, new SendStatus("not_allowed"));
            throw new HandshakeException(Reason.NOT_ALLOWED, "node on host '" + Printable.escape(name)
                    + "' asked for a dynamic name (NAME_ME), which Jarl does not assign");
        }
        NodeName peer = HandshakeMessage.parseName(name, "recv_name.Name");
        if (!config.allowed().test(peer)) {
            send(conn, new SendStatus("not_allowed"));
            LOG.log(Level.WARNING, "Connection attempt from disallowed node {0}", peer);
            throw new HandshakeException(Reason.NOT_ALLOWED, "node " + peer + " is not allowed to connect");
        }
        long peerFlags = DistFlags.expandDigest(flags);
        if (legacy && (peerFlags & DistFlags.HANDSHAKE_23) == 0) {
            refuse(conn, config, peer, DistFlags.HANDSHAKE_23);
        }
        long requiredNow = legacy ? config.requiredFlags() & 0xFFFF_FFFFL : config.requiredFlags();
        if ((peerFlags & requiredNow) != requiredNow) {
            refuse(conn, config, peer, requiredNow & ~peerFlags);
        }

        Arbiter.Status verdict = arbiter.markPending(peer, peerFlags, creation);
        boolean replacing = false;
        switch (verdict) {
            case OK -> send(conn, new SendStatus("ok"));
            case OK_SIMULTANEOUS -> send(conn, new SendStatus("ok_simultaneous"));
            case NOK -> {
                send(conn, new SendStatus("nok"));
                throw new HandshakeException(Reason.NOK, "refused " + peer + " (nok): our own attempt to it wins");
            }
            case NOT_ALLOWED -> {
                send(conn, new SendStatus("not_allowed"));
                throw new HandshakeException(Reason.NOT_ALLOWED, "the node refused " + peer + " (not_allowed)");
            }
            case UP_PENDING -> throw new HandshakeException(Reason.SHUTDOWN,
                    "another incoming attempt from " + peer + " is already under way");
            case ALIVE -> {
                send(conn, new SendStatus("alive"));
                String reply = SendStatus.decode(receive(conn, config, "recv_status_reply", peer),
                        "recv_status_reply").status();
                switch (reply) {
                    case "true" -> replacing = true;
                    case "false" -> throw new HandshakeException(Reason.ALIVE,
                            peer + " answered false to alive: the existing connection stays");
                    default -> throw new HandshakeException(Reason.PROTOCOL, "recv_status_reply.Status: '"
                            + Printable.escape(reply) + "' (expected: true or false) at offset 1 from " + peer);
                }
            }
        }

        int ours = RANDOM.nextInt();
        send(conn, new SendChallenge(config.offeredFlags(), ours, config.creation(), config.self().toString()));
        if (legacy) {
            SendComplement complement = SendComplement.decode(receive(conn, config, "recv_complement", peer));
            peerFlags |= complement.flagsHigh() << 32;
            creation = complement.creation();
            requireFlags(config, peer, peerFlags, config.requiredFlags(), "from", "rejected");
        }

        ChallengeReply reply = ChallengeReply.decode(receive(conn, config, "recv_challenge_reply", peer));
        if (!config.cookie().matches(ours, reply.digest())) {
            String why = peer + " sent a cookie digest that does not match our cookie: the cookies differ (ours came from "
                    + config.cookie().source() + ")";
            LOG.log(Level.WARNING, "{0}; connection refused", why);
            throw new HandshakeException(Reason.BAD_DIGEST, why);
        }
        arbiter.authenticated(peer);
        if (replacing) {
            arbiter.awaitPreviousDown(peer, config.setupTime());
        }
        send(conn, new ChallengeAck(config.cookie().digest(reply.challenge())));
        nodeup(conn, peer);
        return new HandshakeResult(peer, peerFlags, config.offeredFlags() & peerFlags, creation, false);
    }

    /** Sends {@code not_allowed} for missing flags, logs as OTP does, and fails. */
    private static void refuse(CarrierConnection conn, HandshakeConfig config, NodeName peer, long missing)
            throws HandshakeException {
        send(conn, new SendStatus("not_allowed"));
        requireFlags(config, peer, 0, missing, "from", "rejected");
    }

    /** Fails with MISSING_FLAGS naming what {@code peerFlags} lacks of {@code required}. */
    private static void requireFlags(HandshakeConfig config, NodeName peer, long peerFlags, long required,
                                     String direction, String outcome) throws HandshakeException {
        long missing = required & ~peerFlags;
        if (missing == 0) {
            return;
        }
        String names = DistFlags.names(missing).toString();
        LOG.log(Level.WARNING, "{0}: Connection attempt {1} node {2} {3} since it cannot handle {4}",
                config.self(), direction, peer, outcome, names);
        throw new HandshakeException(Reason.MISSING_FLAGS, "node " + peer + " cannot handle " + names);
    }

    private static void nodeup(CarrierConnection conn, NodeName peer) throws HandshakeException {
        try {
            conn.preNodeup();
            conn.postNodeup();
        } catch (IOException e) {
            throw failure(e, "nodeup", peer);
        }
    }

    private static void send(CarrierConnection conn, HandshakeMessage message) throws HandshakeException {
        try {
            conn.sendHandshake(message.encode());
        } catch (IOException e) {
            throw failure(e, "send " + message.getClass().getSimpleName(), null);
        }
    }

    /** Receives one non-empty message within the setup time. */
    private static byte[] receive(CarrierConnection conn, HandshakeConfig config, String step, NodeName peer)
            throws HandshakeException {
        byte[] m;
        try {
            m = conn.receiveHandshake(config.setupTime());
        } catch (IOException e) {
            throw failure(e, step, peer);
        }
        if (m == null || m.length == 0) {
            throw new HandshakeException(Reason.PROTOCOL, step + ".length: 0 bytes (expected: at least 1) at offset 0"
                    + from(peer));
        }
        return m;
    }

    private static HandshakeException failure(IOException e, String step, NodeName peer) {
        if (e instanceof HandshakeException h) {
            return h;
        }
        if (e instanceof SocketTimeoutException) {
            return new HandshakeException(Reason.TIMEOUT, step + ": no message within the setup time" + from(peer), e);
        }
        if (Thread.currentThread().isInterrupted() || e instanceof ClosedByInterruptException) {
            Thread.currentThread().interrupt();
            return new HandshakeException(Reason.SHUTDOWN, step + ": interrupted" + from(peer), e);
        }
        String what = e instanceof EOFException ? "connection closed" : "transport failed (" + e.getMessage() + ")";
        return new HandshakeException(Reason.CLOSED, step + ": " + what + from(peer), e);
    }

    private static String from(NodeName peer) {
        return peer == null ? "" : " (peer " + peer + ")";
    }
}
