/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.NotReleaseSpecific;

/**
 * The socket options of a stream over one socket (one helper, {@link ByteStream#supported},
 * for TCP, Unix sockets and TLS's plain socket): an option the socket has is set and read
 * through, one it lacks is refused naming those it has, as the defaults refuse.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class StreamOptionsTest {

    private static void check(SocketChannelStream stream, SocketOption<Integer> has, SocketOption<Boolean> lacks)
            throws Exception {
        stream.setOption(has, 96 * 1024);
        assertTrue(stream.getOption(has) >= 96 * 1024, "" + stream.getOption(has));
        Set<SocketOption<?>> options = stream.supportedOptions();
        String want = "option " + lacks.name() + ": not supported (expected: one of " + options + ")";
        assertEquals(want, assertThrows(UnsupportedOperationException.class, () -> stream.setOption(lacks, true))
                .getMessage());
        assertEquals(want, assertThrows(UnsupportedOperationException.class, () -> stream.getOption(lacks))
                .getMessage());
        // the interface's own defaults say the same of a stream without options
        ByteStream none = new StreamAllowanceTest.FedStream();
        assertEquals("option " + lacks.name() + ": not supported (expected: one of [])",
                assertThrows(UnsupportedOperationException.class, () -> none.getOption(lacks)).getMessage());
    }

    @Test
    void tcp() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            assertTrue(accepted.isConnected());
            SocketChannelStream stream = new SocketChannelStream(client);
            check(stream, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_BROADCAST);
            assertTrue(stream.getOption(StandardSocketOptions.TCP_NODELAY));
            stream.close();
        }
    }

    @Test
    void unixSocket(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(path));
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
             SocketChannel accepted = server.accept()) {
            assertTrue(accepted.isConnected());
            SocketChannelStream stream = new SocketChannelStream(client);
            check(stream, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.TCP_NODELAY);
            // no public way to poll a blocking Unix domain channel: the read spin does not apply
            assertEquals(-1, stream.available());
            stream.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
