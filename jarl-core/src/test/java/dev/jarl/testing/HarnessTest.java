/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Checks the interop harness itself against real OTP, so a broken harness fails loudly. */
class HarnessTest {

    @Test
    void evalWithoutDistribution() {
        assertEquals("3", Otp.eval("io:format(\"~w\", [1 + 2])"));
    }

    @Test
    void releaseUnderTestIsSupported() {
        int release = Integer.parseInt(Otp.release());
        System.err.println("interop tests run against OTP " + release
                + (Otp.root() == null ? " (this machine)" : " (" + Otp.root() + ")"));
        assertTrue(release >= 25, "OTP " + release + " is older than Jarl supports");
    }

    @Test
    void twoNodesPingThroughTheirOwnEpmd() {
        try (RealEpmd epmd = RealEpmd.start();
             ErlNode a = ErlNode.start(Otp.uniqueName("ha"), "c1", epmd.port());
             ErlNode b = ErlNode.start(Otp.uniqueName("hb"), "c1", epmd.port())) {
            assertEquals("pong", a.eval("net_adm:ping('" + b.name() + "')"));
            assertEquals("pong", b.eval("net_adm:ping('" + a.name() + "')"));
            ErlNode.Result r = a.evalResult("1 = 2");
            assertFalse(r.ok());
            assertTrue(r.text().contains("badmatch"), r.text());
            a.eval("self() ! hello");
            assertEquals("hello", a.eval("receive X -> X after 1000 -> timeout end"));
        }
    }

    /** The house rule: the EPMD and the erl nodes the harness starts listen on loopback only. */
    @Test
    void epmdAndErlListenOnLoopbackOnly() throws Exception {
        try (RealEpmd epmd = RealEpmd.start();
             ErlNode a = ErlNode.start(Otp.uniqueName("hl"), "c1", epmd.port())) {
            List<String> epmdAddresses = ListeningSockets.on(epmd.port());
            assertTrue(ListeningSockets.loopbackOnly(epmdAddresses), "epmd listens on " + epmdAddresses);
            int distPort = Integer.parseInt(a.eval("{ok, [{_, P}]} = net_adm:names(), P"));
            List<String> erlAddresses = ListeningSockets.on(distPort);
            assertTrue(ListeningSockets.loopbackOnly(erlAddresses), "erl's distribution listens on " + erlAddresses);
        }
    }
}
