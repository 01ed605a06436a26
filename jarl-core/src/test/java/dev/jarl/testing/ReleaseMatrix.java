/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * CI runs the suite once per OTP release ({@code -Djarl.otp.root}, see {@link Otp#root()}).
 * A test whose outcome cannot depend on the release under test (it runs no {@code erl}, or
 * checks only what Jarl does on its own side) runs in the machine's own pass and is skipped
 * by name in the others, so the matrix spends its time on what differs between releases.
 */
public final class ReleaseMatrix {

    private ReleaseMatrix() {
    }

    /** Skips the calling test when a release from the matrix is under test. */
    public static void notReleaseSpecific() {
        Assumptions.assumeTrue(Otp.root() == null, "not release-specific: runs against this machine's OTP only, "
                + "not again for " + Otp.root());
    }
}
