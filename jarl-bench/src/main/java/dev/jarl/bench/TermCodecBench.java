/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpInputStream;
import com.ericsson.otp.erlang.OtpOutputStream;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.TermReader;
import dev.jarl.term.TermWriter;
import dev.jarl.term.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding the same terms with Jarl and with JInterface.
 *
 * <p>Both sides reuse their output buffer across operations (Jarl's {@link TermWriter#reset()},
 * JInterface's {@link OtpOutputStream#reset()}) and decode from a byte array with the
 * version byte. {@code jarlDecode} reads with a {@link TermReader}, whose binaries share the
 * input array, as the connection layer uses it; {@code jarlDecodeCopying} uses
 * {@link Etf#decode(byte[])}, which copies every binary as JInterface does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TermCodecBench {

    /** Which message. */
    @Param({"msg", "gen_call", "map100", "list1000", "bin1k", "bin1m"})
    public String message;

    private Term jarlTerm;
    private byte[] bytes;
    private OtpErlangObject jiTerm;
    private TermWriter writer;
    private OtpOutputStream jiOut;

    /** The term named by {@link #message}. */
    static Term term(String name) {
        Atom node = Atom.of("bench@localhost");
        return switch (name) {
            case "msg" -> Tuple.of(Atom.of("msg"), Int.of(12345), Binary.EMPTY);
            case "gen_call" -> Tuple.of(Atom.GEN_CALL,
                    Tuple.of(new Pid(node, 4711, 0, 1711111111), new Ref(node, 1711111111, new int[] {12345, 67890, 424242})),
                    Tuple.of(Atom.of("get"), Atom.of("key")));
            case "map100" -> {
                Map<Term, Term> m = new LinkedHashMap<>();
                for (int i = 0; i < 100; i++) {
                    m.put(Atom.of("key" + i), Int.of(i * 1000));
                }
                yield TermMap.of(m);
            }
            case "list1000" -> TermList.of(IntStream.rangeClosed(1, 1000).mapToObj(Int::of).toList());
            case "bin1k" -> Binary.of(filled(1024));
            case "bin1m" -> Binary.of(filled(1 << 20));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    /** Builds the term for both libraries and checks they agree on it. */
    @Setup(Level.Trial)
    public void setUp() throws OtpErlangDecodeException {
        jarlTerm = term(message);
        bytes = Etf.encode(jarlTerm);
        jiTerm = new OtpInputStream(bytes).read_any();
        writer = new TermWriter();
        jiOut = new OtpOutputStream();
        jiOut.write1(131);
        jiOut.write_any(jiTerm);
        Term back = Etf.decode(jiOut.toByteArray());
        if (!back.equals(jarlTerm)) {
            throw new IllegalStateException("JInterface's encoding decodes to " + back + ", not " + jarlTerm);
        }
    }

    /** Jarl: encode into a reused writer. */
    @Benchmark
    public int jarlEncode() {
        TermWriter w = writer;
        w.reset();
        w.writeVersion();
        w.write(jarlTerm);
        return w.size();
    }

    /** JInterface: encode into a reused stream. */
    @Benchmark
    public int jinterfaceEncode() {
        OtpOutputStream out = jiOut;
        out.reset();
        out.write1(131);
        out.write_any(jiTerm);
        return out.size();
    }

    /** Jarl: decode with a reader (binaries share the input). */
    @Benchmark
    public Term jarlDecode() {
        TermReader r = new TermReader(bytes, 0, bytes.length);
        r.readVersion();
        return r.read();
    }

    /** Jarl: {@link Etf#decode(byte[])}, binaries copied. */
    @Benchmark
    public Term jarlDecodeCopying() {
        return Etf.decode(bytes);
    }

    /** JInterface: decode. */
    @Benchmark
    public OtpErlangObject jinterfaceDecode() throws OtpErlangDecodeException {
        return new OtpInputStream(bytes).read_any();
    }
}
