/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.jarl.testing.BeamTerms;
import dev.jarl.testing.NotReleaseSpecific;

/** Seeded random terms: encode, decode, compare. The seed is in every failure message. */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class EtfRoundTripTest {

    private static final long BASE_SEED = Long.getLong("jarl.seed", System.nanoTime());
    private static final int RUNS = 400;

    @Test
    void randomTermsRoundTrip() {
        TermWriter writer = new TermWriter(16);
        for (int run = 0; run < RUNS; run++) {
            long seed = BASE_SEED + run;
            String why = "seed " + seed + " (rerun with -Djarl.seed=" + seed + ")";
            Term t = BeamTerms.anyShape(seed).term(4);
            byte[] bytes = Etf.encode(t);
            Term back = Etf.decode(bytes);
            assertEquals(t, back, why);
            assertEquals(t.hashCode(), back.hashCode(), why);
            assertEquals(0, t.compareTo(back), why);
            assertEquals(t.toString(), back.toString(), why);
            assertArrayEquals(bytes, Etf.encode(back), why);
            writer.reset();
            writer.writeVersion();
            writer.write(t);
            assertArrayEquals(bytes, writer.toByteArray(), why + ": reused writer");
            TermReader shared = new TermReader(bytes, 0, bytes.length);
            shared.readVersion();
            assertEquals(t, shared.read(), why + ": sharing reader");
            assertEquals(0, shared.remaining(), why);
            assertEquals(t, Etf.decode(Etf.encodeCompressed(t, 1 + run % 9)), why + ": compressed");
        }
    }

    @Test
    void orderIsTotalAndConsistentWithEquals() {
        for (int run = 0; run < 8; run++) {
            long seed = BASE_SEED + run;
            String why = "seed " + seed + " (rerun with -Djarl.seed=" + seed + ")";
            BeamTerms g = BeamTerms.anyShape(seed);
            List<Term> terms = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                terms.add(g.term(2));
            }
            terms.add(Etf.decode(Etf.encode(terms.get(0))));
            for (Term a : terms) {
                for (Term b : terms) {
                    int ab = Integer.signum(a.compareTo(b));
                    assertEquals(-ab, Integer.signum(b.compareTo(a)), why + ": antisymmetry of " + a + " and " + b);
                    assertEquals(a.equals(b), ab == 0, why + ": compareTo 0 iff equals for " + a + " and " + b);
                    for (Term c : terms.subList(0, 5)) {
                        if (ab < 0 && b.compareTo(c) < 0 && a.compareTo(c) >= 0) {
                            fail(why + ": not transitive: " + a + " < " + b + " < " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mutatedBytesDecodeOrFailCleanly() {
        int decoded = 0;
        int rejected = 0;
        for (int run = 0; run < 300; run++) {
            long seed = BASE_SEED + run;
            BeamTerms g = BeamTerms.anyShape(seed);
            byte[] bytes = Etf.encode(g.term(3));
            for (int k = 0; k < 20; k++) {
                byte[] m = bytes.clone();
                int flips = 1 + g.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    m[1 + g.nextInt(m.length - 1)] = (byte) g.nextInt(256);
                }
                try {
                    Etf.decode(m);
                    decoded++;
                } catch (TermDecodeException e) {
                    rejected++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("seed " + seed + " mutation " + k + ": " + e, e);
                }
            }
        }
        assertTrue(decoded > 0 && rejected > 0, "both outcomes occur: " + decoded + " decoded, " + rejected + " rejected");
    }
}
