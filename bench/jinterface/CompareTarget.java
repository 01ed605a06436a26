/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
import com.ericsson.otp.erlang.OtpEpmd;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;

/**
 * The JInterface target of bench/compare.sh: the sink, echo and flood roles (see
 * docs/conformance.md) as three mailboxes, each served by a thread of its own. Prints
 * {@code ready NODE} once registered. Args: nodeName cookie. Honours ERL_EPMD_PORT.
 */
public final class CompareTarget {
    private CompareTarget() {
    }

    public static void main(String[] args) throws Exception {
        String port = System.getenv("ERL_EPMD_PORT");
        if (port != null && !port.isEmpty()) {
            OtpEpmd.useEpmdPort(Integer.parseInt(port));
        }
        OtpNode node = new OtpNode(args[0], args[1]);
        OtpMbox sink = node.createMbox("sink");
        OtpMbox echo = node.createMbox("echo");
        OtpMbox flood = node.createMbox("flood");
        OtpErlangAtom sync = new OtpErlangAtom("sync");
        OtpErlangAtom msg = new OtpErlangAtom("msg");
        OtpErlangAtom floodDone = new OtpErlangAtom("flood_done");
        Thread sinkThread = serve("sink", () -> {
            long count = 0;
            while (true) {
                OtpErlangObject m = sink.receive();
                if (m instanceof OtpErlangTuple t && t.arity() == 3 && sync.equals(t.elementAt(0))) {
                    sink.send((OtpErlangPid) t.elementAt(1), tuple(t.elementAt(2), new OtpErlangLong(count)));
                    count = 0;
                } else {
                    count++;
                }
            }
        });
        serve("echo", () -> {
            while (true) {
                OtpErlangTuple t = (OtpErlangTuple) echo.receive();
                echo.send((OtpErlangPid) t.elementAt(0), t.elementAt(1));
            }
        });
        serve("flood", () -> {
            while (true) {
                OtpErlangTuple t = (OtpErlangTuple) flood.receive();
                OtpErlangPid to = (OtpErlangPid) t.elementAt(1);
                long n = ((OtpErlangLong) t.elementAt(2)).longValue();
                OtpErlangObject bin = t.elementAt(3);
                for (long i = 1; i <= n; i++) {
                    flood.send(to, tuple(msg, new OtpErlangLong(i), bin));
                }
                flood.send(to, tuple(floodDone, new OtpErlangLong(n)));
            }
        });
        System.out.println("ready " + node.node());
        System.out.flush();
        sinkThread.join();
    }

    interface Loop {
        void run() throws Exception;
    }

    static Thread serve(String role, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Exception e) {
                System.err.println(role + " failed: " + e);
                System.exit(1);
            }
        }, role);
        t.start();
        return t;
    }

    static OtpErlangTuple tuple(OtpErlangObject... elements) {
        return new OtpErlangTuple(elements);
    }
}
