/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.CarrierStats;
import dev.jarl.channel.TickPolicy.Action;
import dev.jarl.channel.TickPolicy.Decision;
import dev.jarl.channel.TickPolicy.State;

/** OTP's tick arithmetic, driven by counters alone. */
class TickPolicyTest {

    private static final int I = 4;

    /** A simulated connection: counters advance as the test says, ticks count as writes. */
    private static final class Sim {
        long in;
        long out;
        long pending;
        State state = State.INITIAL;
        int ticks;

        Action check(boolean hidden) {
            Decision d = TickPolicy.check(state, new CarrierStats(in, out, pending), I, hidden);
            state = d.next();
            if (d.action() == Action.TICK) {
                ticks++;
                out++;
            }
            return d.action();
        }
    }

    @Test
    void silentPeerIsDownAtTheIntensityThSilentCheck() {
        Sim s = new Sim();
        s.in = 10;
        assertEquals(Action.NONE, s.check(false)); // first check: counts as read and as written, as OTP's
        for (int i = 1; i < I; i++) {
            assertEquals(Action.TICK, s.check(false), "silent check " + i);
        }
        assertEquals(Action.DOWN, s.check(false));
    }

    @Test
    void firstCheckCountsAsReadEvenWithZeroCounters() {
        Sim s = new Sim();
        assertEquals(Action.NONE, s.check(false));
        for (int i = 1; i < I; i++) {
            assertEquals(Action.TICK, s.check(false), "check " + i);
        }
        assertEquals(Action.DOWN, s.check(false));
    }

    @Test
    void anyInputResetsTheCount() {
        Sim s = new Sim();
        s.check(false);
        s.in++;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < I - 1; i++) {
                assertEquals(Action.TICK, s.check(false));
            }
            s.in++; // one packet (a tick) in the last interval
        }
        assertEquals(Action.TICK, s.check(false));
    }

    @Test
    void busyConnectionNeverTicksNorGoesDown() {
        Sim s = new Sim();
        for (int i = 0; i < 1000; i++) {
            s.in += 5;
            s.out += 7;
            assertEquals(Action.NONE, s.check(false), "check " + i);
        }
        assertEquals(0, s.ticks);
    }

    @Test
    void writerThatReadsNothingStillGoesDown() {
        Sim s = new Sim();
        s.check(false);
        for (int i = 1; i < I; i++) {
            s.out += 100;
            assertEquals(Action.NONE, s.check(false));
        }
        s.out += 100;
        assertEquals(Action.DOWN, s.check(false));
    }

    @Test
    void pendingOutputSuppressesTheTickOnVisibleConnections() {
        Sim s = new Sim();
        s.check(false);
        s.in++;
        s.pending = 1000;
        assertEquals(Action.NONE, s.check(false));
        s.in++;
        assertEquals(Action.NONE, s.check(false));
    }

    @Test
    void hiddenConnectionTicksWhenNothingWasReadEvenWhileWriting() {
        Sim s = new Sim();
        s.check(true);
        s.out += 10;
        assertEquals(Action.TICK, s.check(true));
        s.out += 10;
        s.in += 1;
        assertEquals(Action.NONE, s.check(true));
    }

    @Test
    void ownTickDoesNotCountAsWriting() {
        Sim s = new Sim();
        s.in = 1;
        assertEquals(Action.NONE, s.check(false));
        s.in++;
        assertEquals(Action.TICK, s.check(false));
        s.in++;
        assertEquals(Action.TICK, s.check(false)); // the tick itself moved out by one
    }

    @Test
    void windowInIntervals() {
        // last packet read in interval k (seen by check k); down at check k + I
        Sim s = new Sim();
        s.check(false);
        s.in++;
        s.check(false); // check k sees the read
        int checks = 0;
        Action a;
        do {
            a = s.check(false);
            checks++;
        } while (a != Action.DOWN);
        assertEquals(I, checks);
    }

    @Test
    void echoOnlyWhenSilentSinceThePreviousTick() {
        long rec = Long.MIN_VALUE;
        CarrierStats s0 = new CarrierStats(1, 5, 0);
        rec = TickPolicy.echo(rec, s0);
        assertEquals(5, rec); // first tick: never echo
        rec = TickPolicy.echo(rec, new CarrierStats(2, 5, 0));
        assertEquals(6, rec); // silent since: echo
        rec = TickPolicy.echo(rec, new CarrierStats(3, 6, 0));
        assertEquals(7, rec); // only the echo was written: echo again
        rec = TickPolicy.echo(rec, new CarrierStats(4, 9, 0));
        assertEquals(9, rec); // wrote something: no echo
        rec = TickPolicy.echo(rec, new CarrierStats(5, 9, 10));
        assertEquals(9, rec); // output pending: no echo
    }

    @Test
    void twoEchoingNodesDoNotPingPong() {
        // node A ticks; B echoes; A must not echo the echo
        long recA = Long.MIN_VALUE;
        long recB = Long.MIN_VALUE;
        long outA = 0;
        long outB = 0;
        // A ticks on its schedule
        outA++;
        // B receives: first tick ever, no echo
        recB = TickPolicy.echo(recB, new CarrierStats(1, outB, 0));
        assertEquals(outB, recB);
        outA++; // A ticks again
        recB = TickPolicy.echo(recB, new CarrierStats(2, outB, 0));
        assertEquals(outB + 1, recB); // B silent: echoes
        outB++;
        recA = TickPolicy.echo(recA, new CarrierStats(1, outA, 0));
        assertEquals(outA, recA); // A: first tick received, no echo
        outA++; // A's schedule
        recB = TickPolicy.echo(recB, new CarrierStats(3, outB, 0));
        assertEquals(outB + 1, recB); // B only wrote its echo: echoes again
        outB++;
        recA = TickPolicy.echo(recA, new CarrierStats(2, outA, 0));
        assertEquals(outA, recA); // A wrote its own tick since: no echo
    }
}
