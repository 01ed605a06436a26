/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The carrier SPI: the pluggable transport under a distribution connection, after OTP's
 * distribution modules and distribution controller processes ({@code alt_dist.md}).
 *
 * <p>A carrier listens, accepts, connects, and moves bytes between a distribution channel
 * and its transport. Its one promise: what the channel hands out reaches the peer's channel
 * unchanged, in order, with nothing lost.
 *
 * <p>This package is the contract only; the carriers Jarl ships and their options are in
 * {@code dev.jarl.carriers}.
 */
package dev.jarl.carrier;
