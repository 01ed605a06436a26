/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.HandshakeResult;

/**
 * Two carrier connections set up as two nodes set them up, without the nodes: a dialer
 * connects to the node behind a listener, the real {@link Handshake} runs on both ends (the
 * dialer speaking first), and each end is handed a fresh {@link QueueChannel}. Used by the
 * carrier tests and by the carrier benchmarks in {@code jarl-bench}.
 *
 * @param client        the dialer's connection
 * @param clientChannel what the dialer's connection delivers to, and takes packets from
 * @param clientResult  the dialer's side of the handshake
 * @param server        the listener's connection
 * @param serverChannel the listener's connection's channel
 * @param serverResult  the listener's side of the handshake
 */
@SuppressWarnings("exports") // a test fixture: the handshake's types are internal, and so is this
public record CarrierPair(CarrierConnection client, QueueChannel clientChannel, HandshakeResult clientResult,
                          CarrierConnection server, QueueChannel serverChannel, HandshakeResult serverResult)
        implements AutoCloseable {

    /** How long each step of the set-up may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * Connects {@code dialer} to {@code server.self()} (a carrier whose resolver finds
     * {@code listener}), accepts on {@code listener}, runs both sides of the handshake and
     * hands both connections a channel. Whatever was set up is closed when a step fails.
     */
    public static CarrierPair connect(Carrier dialer, HandshakeConfig client, Listener listener, HandshakeConfig server)
            throws Exception {
        CompletableFuture<CarrierConnection> accepted = new CompletableFuture<>();
        CompletableFuture<HandshakeResult> serverSide = CompletableFuture.supplyAsync(() -> {
            try {
                CarrierConnection c = listener.accept();
                accepted.complete(c);
                return Handshake.accept(c, server, CarrierFixture.ARBITER);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        CarrierConnection clientConnection = dialer.connect(server.self(), TIMEOUT);
        try {
            HandshakeResult clientResult = Handshake.initiate(clientConnection, client, server.self(),
                    CarrierFixture.ARBITER);
            HandshakeResult serverResult = serverSide.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            CarrierConnection serverConnection = accepted.get();
            QueueChannel clientChannel = new QueueChannel();
            QueueChannel serverChannel = new QueueChannel();
            clientConnection.handshakeComplete(clientChannel);
            serverConnection.handshakeComplete(serverChannel);
            return new CarrierPair(clientConnection, clientChannel, clientResult, serverConnection, serverChannel,
                    serverResult);
        } catch (Exception | Error e) {
            clientConnection.close();
            accepted.thenAccept(CarrierConnection::close);
            throw e;
        }
    }

    /** Closes both connections. */
    @Override
    public void close() {
        client.close();
        server.close();
    }
}
