/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.FlagRules;
import dev.jarl.term.NodeName;

/**
 * What one node brings to every handshake: its name, cookie, flags and creation, and the
 * setup timer. The Java form of the static part of OTP's {@code #hs_data{}}
 * ({@code this_node}, {@code this_flags}, {@code require_flags}, {@code this_creation},
 * {@code allowed}) plus {@code net_setuptime}.
 *
 * @param self          this node's name, sent in {@code send_name} and {@code send_challenge};
 *                      Latin-1 only, as OTP writes node names there with
 *                      {@code atom_to_binary(Node, latin1)}
 * @param cookie        the shared secret (never logged)
 * @param offeredFlags  the flags this node offers; the agreed set is
 *                      {@code offeredFlags & peerFlags}
 * @param requiredFlags flags a peer must offer (after {@link DistFlags#expandDigest}),
 *                      usually {@link DistFlags#DEFAULT_REQUIRED}
 * @param creation      this node's creation (from EPMD registration), sent to the peer
 * @param setupTime     bound on every step: each receive, and the wait for an old
 *                      connection to go down, gets the full time anew (OTP's
 *                      {@code net_setuptime}, default 7 s, reset before each step as
 *                      {@code dist_util:reset_timer/1} does)
 * @param allowed       which peers may connect to this node ({@code net_kernel:allow/1});
 *                      refused peers get {@code not_allowed}
 */
public record HandshakeConfig(NodeName self, Secret cookie, long offeredFlags, long requiredFlags,
                              int creation, Duration setupTime, Predicate<NodeName> allowed) {

    /** OTP's default {@code net_setuptime}: 7 seconds. */
    public static final Duration DEFAULT_SETUP_TIME = Duration.ofSeconds(7);

    /** Checks the values; every reference is required and the setup time must be positive. */
    public HandshakeConfig {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(setupTime, "setupTime");
        Objects.requireNonNull(allowed, "allowed");
        if (setupTime.isNegative() || setupTime.isZero()) {
            throw new IllegalArgumentException("setupTime: " + setupTime + " (expected: positive)");
        }
        String name = self.toString();
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("self: '" + name + "' has a character outside Latin-1 at index "
                        + i + " (expected: Latin-1, as OTP sends node names in the handshake)");
            }
        }
    }

    /**
     * A configuration with Jarl's defaults: {@link DistFlags#DEFAULT_OFFERED},
     * {@link DistFlags#DEFAULT_REQUIRED}, a 7 s setup time, every peer allowed.
     */
    public static HandshakeConfig of(NodeName self, Secret cookie, int creation) {
        return new HandshakeConfig(self, cookie, DistFlags.DEFAULT_OFFERED, DistFlags.DEFAULT_REQUIRED,
                creation, DEFAULT_SETUP_TIME, peer -> true);
    }

    /** This configuration with another cookie. */
    public HandshakeConfig withCookie(Secret other) {
        return new HandshakeConfig(self, other, offeredFlags, requiredFlags, creation, setupTime, allowed);
    }

    /** This configuration with other offered flags. */
    public HandshakeConfig withOfferedFlags(long flags) {
        return new HandshakeConfig(self, cookie, flags, requiredFlags, creation, setupTime, allowed);
    }

    /** This configuration with other required flags. */
    public HandshakeConfig withRequiredFlags(long flags) {
        return new HandshakeConfig(self, cookie, offeredFlags, flags, creation, setupTime, allowed);
    }

    /** This configuration with another setup time. */
    public HandshakeConfig withSetupTime(Duration time) {
        return new HandshakeConfig(self, cookie, offeredFlags, requiredFlags, creation, time, allowed);
    }

    /** This configuration with another allow rule. */
    public HandshakeConfig withAllowed(Predicate<NodeName> rule) {
        return new HandshakeConfig(self, cookie, offeredFlags, requiredFlags, creation, setupTime, rule);
    }

    /** This configuration with a carrier's {@code rules} applied to the offered and required flags. */
    public HandshakeConfig with(FlagRules rules) {
        return rules.equals(FlagRules.NONE) ? this
                : new HandshakeConfig(self, cookie, rules.offered(offeredFlags), rules.required(requiredFlags), creation,
                        setupTime, allowed);
    }
}
