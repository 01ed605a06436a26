/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The table (Markdown) and the chart (SVG) of a {@link Growth} run. */
final class Report {

    static final String JARL_COLOUR = "#c0392b";
    static final String BEAM_COLOUR = "#2c6fbb";

    private Report() {
    }

    /**
     * The Markdown: a header naming the run, one table row per point of each sweep with Jarl
     * and the BEAM side by side, and the growth checks of issue 22.
     */
    static String markdown(String heading, List<String> notes, List<Point> jarl, List<Point> beam) {
        StringBuilder s = new StringBuilder();
        s.append("## ").append(heading).append("\n\n");
        for (String n : notes) {
            s.append("- ").append(n).append('\n');
        }
        s.append('\n');
        s.append("| sweep | point | Jarl msg/s | Jarl MB/s | Jarl p50 us | Jarl p99 us | Jarl memory KB | "
                + "BEAM msg/s | BEAM MB/s | BEAM p50 us | BEAM p99 us | BEAM memory KB |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Sweep sweep : Sweep.values()) {
            for (Point j : of(jarl, sweep)) {
                Optional<Point> b = at(beam, sweep, j.x());
                s.append("| ").append(sweep.key()).append(" | ").append(xLabel(sweep, j.x())).append(" | ")
                        .append(cells(Optional.of(j))).append(" | ").append(cells(b)).append(" |\n");
            }
        }
        s.append("\nmemory KB: per connection, both ends (peers); per idle process (procs).\n");
        List<String> checks = checks(jarl, beam);
        if (!checks.isEmpty()) {
            s.append("\nGrowth checks (issue 22: at most peers and processes, Jarl keeps at least half its "
                    + "throughput at 1 and at least half the BEAM's):\n\n");
            for (String c : checks) {
                s.append("- ").append(c).append('\n');
            }
        }
        return s.toString();
    }

    private static String cells(Optional<Point> p) {
        if (p.isEmpty()) {
            return "- | - | - | - | -";
        }
        Point q = p.get();
        return String.join(" | ", number(q.messagesPerSecond(), 0),
                q.bytesPerSecond() > 0 ? number(q.bytesPerSecond() / 1e6, 1) : "-",
                number(q.p50Micros(), 1), number(q.p99Micros(), 1),
                q.memoryBytes() != -1 ? String.format(Locale.ROOT, "%.2f", q.memoryBytes() / 1024.0) : "-");
    }

    private static String number(double v, int decimals) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String xLabel(Sweep sweep, long x) {
        if (sweep != Sweep.SIZE) {
            return Long.toString(x);
        }
        if (x >= 1 << 20 && x % (1 << 20) == 0) {
            return (x >> 20) + " MiB";
        }
        if (x >= 1 << 10 && x % (1 << 10) == 0) {
            return (x >> 10) + " KiB";
        }
        return x + " B";
    }

    /** The checks of issue 22 on the peers and processes sweeps, as sentences. */
    static List<String> checks(List<Point> jarl, List<Point> beam) {
        List<String> out = new ArrayList<>();
        for (Sweep sweep : List.of(Sweep.PEERS, Sweep.PROCS)) {
            List<Point> js = of(jarl, sweep);
            if (js.size() < 2) {
                continue;
            }
            Point first = js.get(0);
            Point last = js.get(js.size() - 1);
            double kept = last.messagesPerSecond() / first.messagesPerSecond();
            out.add(String.format(Locale.ROOT, "%s: Jarl at %d keeps %.2f of its throughput at %d: %s", sweep.key(),
                    last.x(), kept, first.x(), kept >= 0.5 ? "ok" : "MISSED"));
            for (Point j : js) {
                Optional<Point> b = at(beam, sweep, j.x());
                if (b.isPresent() && b.get().messagesPerSecond() > 0) {
                    double ratio = j.messagesPerSecond() / b.get().messagesPerSecond();
                    if (ratio < 0.5) {
                        out.add(String.format(Locale.ROOT, "%s %d: Jarl has %.2f of the BEAM's throughput: MISSED",
                                sweep.key(), j.x(), ratio));
                    }
                }
            }
        }
        return out;
    }

    /** The chart: throughput (top row) and round-trip latency (bottom row, p50 solid, p99 dashed) per sweep. */
    static String svg(String title, List<Point> jarl, List<Point> beam) {
        List<SvgChart.Panel> panels = new ArrayList<>();
        for (Sweep sweep : Sweep.values()) {
            boolean bytes = sweep == Sweep.SIZE;
            List<SvgChart.Series> series = new ArrayList<>();
            series.add(series("Jarl", JARL_COLOUR, false, of(jarl, sweep), p -> bytes ? p.bytesPerSecond() / 1e6 : p.messagesPerSecond()));
            if (!of(beam, sweep).isEmpty()) {
                series.add(series("BEAM", BEAM_COLOUR, false, of(beam, sweep), p -> bytes ? p.bytesPerSecond() / 1e6 : p.messagesPerSecond()));
            }
            panels.add(new SvgChart.Panel("throughput against " + sweep.key(), sweep.axis(),
                    bytes ? "MB/s" : "messages/s", series));
        }
        for (Sweep sweep : Sweep.values()) {
            List<SvgChart.Series> series = new ArrayList<>();
            series.add(series("Jarl p50", JARL_COLOUR, false, of(jarl, sweep), Point::p50Micros));
            series.add(series("Jarl p99", JARL_COLOUR, true, of(jarl, sweep), Point::p99Micros));
            if (!of(beam, sweep).isEmpty()) {
                series.add(series("BEAM p50", BEAM_COLOUR, false, of(beam, sweep), Point::p50Micros));
                series.add(series("BEAM p99", BEAM_COLOUR, true, of(beam, sweep), Point::p99Micros));
            }
            panels.add(new SvgChart.Panel("round trip against " + sweep.key(), sweep.axis(), "microseconds", series));
        }
        String legend = "red: Jarl, blue: BEAM" + (beam.isEmpty() ? " (not measured)" : "")
                + "; latency: solid p50, dashed p99; both axes logarithmic";
        return SvgChart.render(title, legend, panels, 3);
    }

    private static SvgChart.Series series(String name, String colour, boolean dashed, List<Point> points,
                                          java.util.function.ToDoubleFunction<Point> y) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            xs[i] = points.get(i).x();
            ys[i] = y.applyAsDouble(points.get(i));
        }
        return new SvgChart.Series(name, colour, dashed, xs, ys);
    }

    private static List<Point> of(List<Point> points, Sweep sweep) {
        return points.stream().filter(p -> p.sweep() == sweep).toList();
    }

    private static Optional<Point> at(List<Point> points, Sweep sweep, long x) {
        return points.stream().filter(p -> p.sweep() == sweep && p.x() == x).findFirst();
    }
}
