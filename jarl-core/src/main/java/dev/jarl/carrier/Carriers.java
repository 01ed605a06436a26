package dev.jarl.carrier;

import dev.jarl.carrier.tcp.TcpCarrier;

/** Factories for the carriers Jarl ships. */
public final class Carriers {

    private Carriers() {
    }

    /**
     * The TCP carrier, compatible with OTP's {@code inet_tcp_dist}: 2-byte length frames
     * during the handshake, 4-byte frames afterwards, the empty packet as tick.
     */
    public static Carrier tcp(TcpOptions options) {
        return new TcpCarrier(options);
    }
}
