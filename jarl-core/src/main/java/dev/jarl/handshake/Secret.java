/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

/**
 * What the handshake needs of the cookie: the digest that answers a challenge, a check of
 * the peer's digest, and where the cookie came from for error messages. The node's public
 * {@code dev.jarl.node.Cookie} provides it; the cookie's text never leaves that class.
 */
public interface Secret {

    /** The digest of {@code challenge} with this cookie, as {@code dist_util:gen_digest/2}. */
    byte[] digest(int challenge);

    /** True when {@code digest} is this cookie's digest of {@code challenge} (constant time). */
    boolean matches(int challenge, byte[] digest);

    /** Where the cookie came from, for messages; never the cookie itself. */
    String source();
}
