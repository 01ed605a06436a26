/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.DistFlags;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.TickPolicy;
import dev.jarl.node.Cookie;
import dev.jarl.node.CookieFile;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;

/**
 * How to start a {@link Node}: its name, cookie, carrier, EPMD use, visibility, timers and
 * limits. Immutable; build one with {@link #builder(NodeName)}.
 *
 * <pre>{@code
 * NodeConfig config = NodeConfig.builder(NodeName.parse("java@localhost"))
 *         .cookie(Cookie.of("secret"))
 *         .netTicktime(Duration.ofSeconds(20))
 *         .build();
 * try (Node node = Node.start(config)) { ... }
 * }</pre>
 *
 * <p>Every plug-in (the carrier, the clock) is passed here; nothing is looked up through
 * system properties or static state.
 *
 * @param name           the node's name
 * @param cookie         the cookie, or empty for the one {@code erl} would use: from
 *                       {@code ~/.erlang.cookie}, else
 *                       {@code $XDG_CONFIG_HOME/erlang/.erlang.cookie}, else a new
 *                       {@code ~/.erlang.cookie} (see {@link CookieFile#readOrCreateDefault()}),
 *                       read when the node starts, and refused, as {@code erl} refuses it,
 *                       when group or others may access it
 * @param carrier        the carrier, or empty for TCP with EPMD
 * @param useEpmd        register with EPMD (TCP); when no EPMD answers on the local host the
 *                       node starts Jarl's embedded one, bound to the address the carrier
 *                       listens on when that is one address (e.g. {@code 127.0.0.1}), on
 *                       every address only when the node listens on every address, and
 *                       closed with the node
 * @param epmdPort       EPMD's port, by default {@code ERL_EPMD_PORT} or 4369
 * @param hidden         true (the default) for a hidden node, false for a visible one (see
 *                       {@link Node} on what visible means without {@code global})
 * @param netTicktime    OTP's {@code net_ticktime}: a silent peer is declared down after
 *                       between {@code 3/4} and {@code 5/4} of it
 * @param tickIntensity  OTP's {@code net_tickintensity}, checks per ticktime (4)
 * @param setupTime      bound on each step of a connection set-up ({@code net_setuptime}, 7 s)
 * @param maxMessageSize the largest distribution packet accepted, in bytes (512 MiB)
 * @param busyLimit      bytes queued for one connection above which senders wait, as OTP's
 *                       {@code dist_buf_busy_limit} (1 MiB)
 * @param offeredFlags   distribution flags offered in the handshake (PUBLISHED is added for a
 *                       visible node)
 * @param requiredFlags  flags a peer must offer
 * @param allowed        which nodes may connect ({@code net_kernel:allow/1}); all by default
 * @param clock          the clock the tick schedule follows (the system clock by default)
 * @param maxTermDepth   how deep a received term may nest ({@link DecodeLimits#UNLIMITED_DEPTH}
 *                       by default, as on the BEAM); a deeper one closes the connection, with
 *                       the reason logged at WARNING
 * @param receiveAllowance bytes a connection may allocate from a length a peer announced
 *                       before the bytes came (8 MiB): packets within it are received in
 *                       place, longer claims grow their buffers as bytes arrive
 * @param maxFragmentSequences fragmented messages one connection may have incomplete at
 *                       once (65 536); one more closes the connection
 * @param maxPendingHandshakes incoming connections held at once before their peer proved the
 *                       cookie (128); when one more arrives, the oldest silent one (else the oldest) is closed
 * @param pendingHandshakeTime the longest an incoming connection may take from its arrival to
 *                       proving the cookie, all steps together (by default the setup time)
 * @param handlerWarning how long one call of a {@link MessageHandler} may run before it is
 *                       logged at WARNING (100 ms): a handler runs on a connection's input
 *                       thread and must not block
 * @param receiveSpin    how long a receiver that finds no message spins before it parks
 *                       (zero, the default: it parks at once). A spin saves the wake-up of
 *                       a parked thread when the reply comes within it, and burns a core
 *                       while it lasts: for round-trip-bound programs on spare cores (see
 *                       docs/benchmarks.md for what it buys and costs)
 * @param readSpin       how long a connection's input thread, having found no bytes,
 *                       polls its socket before it blocks in a read (zero, the default: it
 *                       blocks at once). A packet that comes within the spin is read
 *                       without the kernel waking the thread, which saves a wake-up on each
 *                       side of a round trip; each wait burns CPU for up to this long, and an
 *                       idle connection, once past it, burns none. TCP and TLS carriers;
 *                       Unix domain sockets (no public way to poll a blocking channel) and
 *                       the UDP and mem carriers ignore it. At most 10 ms; see
 *                       docs/benchmarks.md for what it buys and costs
 */
public record NodeConfig(NodeName name, Optional<Cookie> cookie, Optional<Carrier> carrier, boolean useEpmd,
                         int epmdPort, boolean hidden, Duration netTicktime, int tickIntensity, Duration setupTime,
                         int maxMessageSize, long busyLimit, long offeredFlags, long requiredFlags, Predicate<NodeName> allowed,
                         InstantSource clock, int maxTermDepth, long receiveAllowance, int maxFragmentSequences,
                         int maxPendingHandshakes, Duration pendingHandshakeTime, Duration handlerWarning,
                         Duration receiveSpin, Duration readSpin) {

    /** The default maximum message size, 512 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 512 << 20;

    /** The default {@link #handlerWarning()}, 100 ms. */
    public static final Duration DEFAULT_HANDLER_WARNING = Duration.ofMillis(100);

    /** The default bound on unauthenticated incoming connections held at once. */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 128;

    /** Checks every value. */
    public NodeConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(carrier, "carrier");
        Objects.requireNonNull(netTicktime, "netTicktime");
        Objects.requireNonNull(setupTime, "setupTime");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pendingHandshakeTime, "pendingHandshakeTime");
        Objects.requireNonNull(handlerWarning, "handlerWarning");
        Objects.requireNonNull(receiveSpin, "receiveSpin");
        if (receiveSpin.isNegative() || receiveSpin.compareTo(Duration.ofMillis(10)) > 0) {
            throw new IllegalArgumentException("receiveSpin: " + receiveSpin + " (expected: 0 to 10 ms)");
        }
        Objects.requireNonNull(readSpin, "readSpin");
        if (readSpin.isNegative() || readSpin.compareTo(Duration.ofMillis(10)) > 0) {
            throw new IllegalArgumentException("readSpin: " + readSpin + " (expected: 0 to 10 ms)");
        }
        if (handlerWarning.isNegative() || handlerWarning.isZero()) {
            throw new IllegalArgumentException("handlerWarning: " + handlerWarning + " (expected: positive)");
        }
        if (maxPendingHandshakes < 1) {
            throw new IllegalArgumentException("maxPendingHandshakes: " + maxPendingHandshakes + " (expected: at least 1)");
        }
        if (pendingHandshakeTime.isNegative() || pendingHandshakeTime.isZero()) {
            throw new IllegalArgumentException("pendingHandshakeTime: " + pendingHandshakeTime + " (expected: positive)");
        }
        if (epmdPort < 1 || epmdPort > 65535) {
            throw new IllegalArgumentException("epmdPort: " + epmdPort + " (expected: 1..65535)");
        }
        if (tickIntensity < 4 || tickIntensity > 1000) {
            throw new IllegalArgumentException("tickIntensity: " + tickIntensity + " (expected: 4..1000, as OTP)");
        }
        if (netTicktime.toMillis() < tickIntensity) {
            throw new IllegalArgumentException("netTicktime: " + netTicktime + " (expected: at least "
                    + tickIntensity + " ms)");
        }
        if (setupTime.isNegative() || setupTime.isZero()) {
            throw new IllegalArgumentException("setupTime: " + setupTime + " (expected: positive)");
        }
        if (busyLimit < 1) {
            throw new IllegalArgumentException("busyLimit: " + busyLimit + " (expected: positive)");
        }
        if (maxMessageSize < 64) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: at least 64)");
        }
        if (maxTermDepth < 1) {
            throw new IllegalArgumentException("maxTermDepth: " + maxTermDepth + " (expected: at least 1)");
        }
        // the same checks as the channel's own
        new DistConnection.InputLimits(receiveAllowance, maxFragmentSequences);
    }

    /** The bounds on buffered input each connection gets. */
    DistConnection.InputLimits inputLimits() {
        return new DistConnection.InputLimits(receiveAllowance, maxFragmentSequences);
    }

    /** A builder with the defaults described on the record components. */
    public static Builder builder(NodeName name) {
        return new Builder(name);
    }

    /** A builder for {@code alive@host}. */
    public static Builder builder(String name) {
        return new Builder(NodeName.parse(name));
    }

    /** The interval between tick checks: {@code netTicktime / tickIntensity}. */
    public Duration tickInterval() {
        return netTicktime.dividedBy(tickIntensity);
    }

    /** Builds a {@link NodeConfig}. */
    public static final class Builder {
        private final NodeName name;
        private Cookie cookie;
        private Carrier carrier;
        private boolean useEpmd = true;
        private Integer epmdPort;
        private boolean hidden = true;
        private Duration netTicktime = Duration.ofSeconds(60);
        private int tickIntensity = TickPolicy.DEFAULT_INTENSITY;
        private Duration setupTime = Duration.ofSeconds(7);
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private long busyLimit = dev.jarl.channel.DistConnection.DEFAULT_BUSY_LIMIT;
        private Duration handlerWarning = DEFAULT_HANDLER_WARNING;
        private Duration receiveSpin = Duration.ZERO;
        private Duration readSpin = Duration.ZERO;
        private long offeredFlags = DistFlags.DEFAULT_OFFERED;
        private long requiredFlags = DistFlags.DEFAULT_REQUIRED;
        private Predicate<NodeName> allowed = n -> true;
        private InstantSource clock = InstantSource.system();
        private int maxTermDepth = DecodeLimits.UNLIMITED_DEPTH;
        private long receiveAllowance = DistConnection.InputLimits.DEFAULT.receiveAllowance();
        private int maxFragmentSequences = DistConnection.InputLimits.DEFAULT.maxFragmentSequences();
        private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;
        private Duration pendingHandshakeTime;

        private Builder(NodeName name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The cookie (default: the one {@code erl} would use, see {@link NodeConfig#cookie()}). */
        public Builder cookie(Cookie cookie) {
            this.cookie = Objects.requireNonNull(cookie, "cookie");
            return this;
        }

        /** The cookie text (default: the one {@code erl} would use, see {@link NodeConfig#cookie()}). */
        public Builder cookie(String cookie) {
            return cookie(Cookie.of(cookie));
        }

        /**
         * The cookie in {@code file}, read now as {@code erl} reads a cookie file
         * ({@link CookieFile#read(Path)}): a regular file that group and others may not
         * access ({@code chmod 400}).
         *
         * @throws IOException when the file cannot be read or {@code erl} would refuse it (for
         *                     one open to group or others too); the message names the file
         *                     and, for a file open to others, the fix, never the cookie
         */
        public Builder cookieFile(Path file) throws IOException {
            return cookie(CookieFile.read(file));
        }

        /**
         * The cookie in the environment variable {@code variable}, read now: for deployments
         * that hand the cookie over that way, such as Elixir releases with
         * {@code RELEASE_COOKIE} ({@link Cookie#fromEnvironment(String)}).
         *
         * @throws IllegalArgumentException when the variable is not set or empty; the message
         *                                  names the variable, never its value
         */
        public Builder cookieFromEnvironment(String variable) {
            return cookie(Cookie.fromEnvironment(variable));
        }

        /** The carrier (default: TCP, addresses from EPMD). */
        public Builder carrier(Carrier carrier) {
            this.carrier = Objects.requireNonNull(carrier, "carrier");
            return this;
        }

        /**
         * Whether to register with EPMD (default true; meaningless for carriers without EPMD).
         * When no EPMD answers on this host, the node starts the embedded one, on the address
         * its carrier listens on ({@link dev.jarl.carrier.Listener#bindAddress()}), or on every
         * address when the carrier listens on every address; it closes it when it closes.
         */
        public Builder useEpmd(boolean useEpmd) {
            this.useEpmd = useEpmd;
            return this;
        }

        /** EPMD's port (default {@code ERL_EPMD_PORT} or 4369). */
        public Builder epmdPort(int port) {
            this.epmdPort = port;
            return this;
        }

        /** Hidden (the default) or visible. */
        public Builder hidden(boolean hidden) {
            this.hidden = hidden;
            return this;
        }

        /** {@code net_ticktime} (default 60 s). */
        public Builder netTicktime(Duration ticktime) {
            this.netTicktime = Objects.requireNonNull(ticktime, "ticktime");
            return this;
        }

        /** {@code net_tickintensity} (default 4). */
        public Builder tickIntensity(int intensity) {
            this.tickIntensity = intensity;
            return this;
        }

        /** {@code net_setuptime} (default 7 s). */
        public Builder setupTime(Duration setupTime) {
            this.setupTime = Objects.requireNonNull(setupTime, "setupTime");
            return this;
        }

        /** Largest accepted packet in bytes (default 512 MiB). */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Bytes queued for one connection above which senders wait (default 1 MiB). */
        public Builder busyLimit(long bytes) {
            this.busyLimit = bytes;
            return this;
        }

        /** The flags to offer (default {@link DistFlags#DEFAULT_OFFERED}). */
        public Builder offeredFlags(long flags) {
            this.offeredFlags = flags;
            return this;
        }

        /** The flags to require (default {@link DistFlags#DEFAULT_REQUIRED}). */
        public Builder requiredFlags(long flags) {
            this.requiredFlags = flags;
            return this;
        }

        /** Which peers may connect (default all). */
        public Builder allowed(Predicate<NodeName> allowed) {
            this.allowed = Objects.requireNonNull(allowed, "allowed");
            return this;
        }

        /** The clock (default the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How deep a received term may nest (default: no limit, as on the BEAM). A peer that
         * sends a deeper one loses its connection, with the reason logged at WARNING.
         */
        public Builder maxTermDepth(int levels) {
            this.maxTermDepth = levels;
            return this;
        }

        /**
         * Bytes a connection may allocate from lengths announced ahead of their bytes (default
         * 8 MiB); longer claims grow their buffers as the bytes come.
         */
        public Builder receiveAllowance(long bytes) {
            this.receiveAllowance = bytes;
            return this;
        }

        /** Fragmented messages one connection may have incomplete at once (default 65 536). */
        public Builder maxFragmentSequences(int sequences) {
            this.maxFragmentSequences = sequences;
            return this;
        }

        /**
         * The bound on incoming connections whose peer has not proved the cookie yet: at
         * most {@code max} at once (default 128; the oldest that has not sent its name,
         * else the oldest, is closed when one more arrives), each for at most {@code time} from its arrival (default: the setup time).
         */
        public Builder pendingHandshakes(int max, Duration time) {
            this.maxPendingHandshakes = max;
            this.pendingHandshakeTime = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * How long one call of a {@link MessageHandler} may run before it is logged at
         * WARNING (default 100 ms).
         */
        public Builder handlerWarning(Duration limit) {
            this.handlerWarning = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * How long a receiver that finds no message spins before it parks (default zero: no
         * spin; at most 10 ms). Worth it only where a core is spare: the spin buys a faster
         * wake-up with CPU time.
         */
        public Builder receiveSpin(Duration spin) {
            this.receiveSpin = Objects.requireNonNull(spin, "spin");
            return this;
        }

        /**
         * How long a connection's input thread that finds no bytes polls its socket before
         * it blocks in a read (default zero: no spin; at most 10 ms). TCP and TLS carriers
         * only. Worth it only where a core is spare: each wait of a connection burns up to
         * this much CPU to save the kernel's wake-up of its reader when the next packet
         * comes within it.
         */
        public Builder readSpin(Duration spin) {
            this.readSpin = Objects.requireNonNull(spin, "spin");
            return this;
        }

        /** The configuration. */
        public NodeConfig build() {
            int port = epmdPort != null ? epmdPort : dev.jarl.epmd.Epmd.portFromEnvironment();
            return new NodeConfig(name, Optional.ofNullable(cookie), Optional.ofNullable(carrier), useEpmd, port,
                    hidden, netTicktime, tickIntensity, setupTime, maxMessageSize, busyLimit, offeredFlags, requiredFlags,
                    allowed, clock, maxTermDepth, receiveAllowance, maxFragmentSequences, maxPendingHandshakes,
                    pendingHandshakeTime != null ? pendingHandshakeTime : setupTime, handlerWarning, receiveSpin,
                    readSpin);
        }
    }
}
