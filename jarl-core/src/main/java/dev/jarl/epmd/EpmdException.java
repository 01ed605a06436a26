/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.io.IOException;

/**
 * A failed EPMD exchange: no EPMD answered, it answered too late or with bytes that are not
 * EPMD's, or it refused a request. The message names the EPMD's host and port and what went
 * wrong, for example {@code epmd at 127.0.0.1:4369: connection refused}.
 */
public class EpmdException extends IOException {

    private static final long serialVersionUID = 1L;

    /** An exception with the full message. */
    public EpmdException(String message) {
        super(message);
    }

    /** An exception with the full message and the I/O failure behind it. */
    public EpmdException(String message, Throwable cause) {
        super(message, cause);
    }
}
