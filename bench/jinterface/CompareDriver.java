/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import com.ericsson.otp.erlang.OtpEpmd;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;

/**
 * The JInterface driver of bench/compare.sh: the same phases, counts, checks and output
 * lines as compare_driver.erl and {@code jarl bench}. Args: nodeName cookie target small
 * rtt big [--warm] [--phase-sync]. Honours ERL_EPMD_PORT.
 */
public final class CompareDriver {
    private static final long WAIT_MS = 120_000;
    private static BufferedReader stdin;

    private CompareDriver() {
    }

    interface Phase {
        long run(int n) throws Exception;
    }

    public static void main(String[] a) throws Exception {
        String port = System.getenv("ERL_EPMD_PORT");
        if (port != null && !port.isEmpty()) {
            OtpEpmd.useEpmdPort(Integer.parseInt(port));
        }
        OtpNode node = new OtpNode(a[0], a[1]);
        String target = a[2];
        int small = Integer.parseInt(a[3]);
        int rtt = Integer.parseInt(a[4]);
        int big = Integer.parseInt(a[5]);
        boolean warm = false;
        boolean sync = false;
        for (int i = 6; i < a.length; i++) {
            switch (a[i]) {
                case "--warm" -> warm = true;
                case "--phase-sync" -> sync = true;
                default -> throw new IllegalArgumentException("unknown option " + a[i]);
            }
        }
        stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        OtpMbox mb = node.createMbox();
        if (!node.ping(target, 5000)) {
            throw new IllegalStateException("no pong from " + target);
        }
        OtpErlangBinary empty = new OtpErlangBinary(new byte[0]);
        OtpErlangBinary oneMb = new OtpErlangBinary(new byte[1 << 20]);
        String[] names = {"send_small", "rtt", "recv_small", "send_1mb", "recv_1mb"};
        int[] counts = {small, rtt, small, big, big};
        Phase[] phases = {
            n -> toSink(mb, target, n, empty),
            n -> roundTrips(mb, target, n),
            n -> fromFlood(mb, target, n, empty),
            n -> toSink(mb, target, n, oneMb),
            n -> fromFlood(mb, target, n, oneMb),
        };
        check("warm-up", toSink(mb, target, 50_000, empty), 50_000);
        if (warm) {
            for (int i = 0; i < phases.length; i++) {
                check(names[i], phases[i].run(counts[i]), counts[i]);
            }
        }
        long[] nanos = new long[phases.length];
        for (int i = 0; i < phases.length; i++) {
            barrier(sync, "phase", names[i]);
            long t0 = System.nanoTime();
            long got = phases[i].run(counts[i]);
            nanos[i] = System.nanoTime() - t0;
            barrier(sync, "done", names[i]);
            check(names[i], got, counts[i]);
        }
        System.out.println("send_small_msgs_per_s " + Math.round(small / (nanos[0] / 1e9)));
        System.out.println("rtt_us " + Math.round(nanos[1] / 1e3 / rtt * 10) / 10.0);
        System.out.println("recv_small_msgs_per_s " + Math.round(small / (nanos[2] / 1e9)));
        System.out.println("send_1mb_mbytes_per_s " + Math.round(big / (nanos[3] / 1e9)));
        System.out.println("recv_1mb_mbytes_per_s " + Math.round(big / (nanos[4] / 1e9)));
        System.out.flush();
        System.exit(0);
    }

    static void barrier(boolean sync, String what, String name) throws Exception {
        if (sync) {
            System.out.println(what + " " + name);
            System.out.flush();
            if (stdin.readLine() == null) {
                throw new IllegalStateException("standard input closed during phase sync");
            }
        }
    }

    static void check(String phase, long got, long want) {
        if (got != want) {
            throw new IllegalStateException(phase + ": expected " + want + " acknowledged, counted " + got);
        }
    }

    static OtpErlangTuple tuple(OtpErlangObject... elements) {
        return new OtpErlangTuple(elements);
    }

    static long toSink(OtpMbox mb, String target, int n, OtpErlangBinary bin) throws Exception {
        OtpErlangAtom msg = new OtpErlangAtom("msg");
        for (int i = 1; i <= n; i++) {
            mb.send("sink", target, tuple(msg, new OtpErlangLong(i), bin));
        }
        OtpErlangRef ref = new OtpErlangRef(mb.self().node(), new int[] {1, 2, 3}, 0);
        mb.send("sink", target, tuple(new OtpErlangAtom("sync"), mb.self(), ref));
        OtpErlangTuple reply = (OtpErlangTuple) mb.receive(WAIT_MS);
        if (reply == null) {
            throw new IllegalStateException("sink did not answer sync");
        }
        return ((OtpErlangLong) reply.elementAt(1)).longValue();
    }

    static long roundTrips(OtpMbox mb, String target, int n) throws Exception {
        OtpErlangAtom ping = new OtpErlangAtom("ping");
        for (int k = n; k > 0; k--) {
            OtpErlangTuple expect = tuple(ping, new OtpErlangLong(k));
            mb.send("echo", target, tuple(mb.self(), expect));
            OtpErlangObject back = mb.receive(10_000);
            if (!expect.equals(back)) {
                throw new IllegalStateException("echo: expected " + expect + ", got " + back);
            }
        }
        return n;
    }

    static long fromFlood(OtpMbox mb, String target, int n, OtpErlangBinary bin) throws Exception {
        mb.send("flood", target, tuple(new OtpErlangAtom("flood"), mb.self(), new OtpErlangLong(n), bin));
        long count = 0;
        while (true) {
            OtpErlangTuple r = (OtpErlangTuple) mb.receive(WAIT_MS);
            if (r == null) {
                throw new IllegalStateException("flood stalled after " + count + " messages");
            }
            if (((OtpErlangAtom) r.elementAt(0)).atomValue().equals("flood_done")) {
                return count;
            }
            count++;
        }
    }
}
