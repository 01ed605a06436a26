/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Jarl's client against OTP's own epmd, on a private port. */
class RealEpmdClientTest {

    static String realNames(int port) {
        return Otp.run(List.of(Otp.requireEpmd().toString(), "-port", Integer.toString(port), "-names"), 10);
    }

    private static EpmdClient client(RealEpmd epmd) {
        return new EpmdClient(InetAddress.getLoopbackAddress(), epmd.port(), Duration.ofSeconds(5));
    }

    @Test
    void registerShowsInEpmdNamesAndCloseRemovesIt() throws Exception {
        try (RealEpmd epmd = RealEpmd.start()) {
            EpmdClient c = client(epmd);
            String name = Otp.uniqueName("jr");
            try (EpmdRegistration r = c.register(name, 12345, false)) {
                assertTrue(realNames(epmd.port()).contains("name " + name + " at port 12345\n"), realNames(epmd.port()));
                assertEquals(Optional.of(NodeAddress.otp(name, 12345)), c.portPlease(name));
                NamesResponse names = c.namesResponse();
                assertEquals(epmd.port(), names.epmdPort());
                assertEquals(List.of(new NameEntry(name, 12345)), names.names());
                assertTrue(Integer.toUnsignedLong(r.creation()) >= 4, "creation " + r.creation());
            }
            // close() waits for epmd to drop the name, so it is gone at once
            assertFalse(realNames(epmd.port()).contains(name));
            assertEquals(Optional.empty(), c.portPlease(name));
        }
    }

    @Test
    void takenNameIsRefusedAndCreationChangesOnReRegistration() throws Exception {
        try (RealEpmd epmd = RealEpmd.start()) {
            EpmdClient c = client(epmd);
            String name = Otp.uniqueName("jt");
            int first;
            try (EpmdRegistration r = c.register(name, 2000, false)) {
                first = r.creation();
                EpmdException e = assertThrows(EpmdException.class, () -> c.register(name, 2001, false));
                assertTrue(e.getMessage().contains("name '" + name + "' refused"), e.getMessage());
            }
            try (EpmdRegistration again = c.register(name, 2002, false)) {
                assertNotEquals(first, again.creation());
                assertEquals(2002, c.portPlease(name).orElseThrow().port());
            }
        }
    }

    @Test
    void registrationIsLostWhenEpmdDies() throws Exception {
        RealEpmd epmd = RealEpmd.start();
        try (EpmdRegistration r = client(epmd).register(Otp.uniqueName("jl"), 3000, false)) {
            CountDownLatch lost = new CountDownLatch(1);
            r.onLost(lost::countDown);
            epmd.close();
            assertTrue(lost.await(10, TimeUnit.SECONDS), "onLost did not run");
            assertFalse(r.isOpen());
        } finally {
            epmd.close();
        }
    }
}
