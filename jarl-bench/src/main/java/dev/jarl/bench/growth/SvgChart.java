/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.util.List;
import java.util.Locale;

/**
 * A small SVG line chart of our own (no dependency): panels in a grid, each with
 * logarithmic axes (decades as grid lines) and one polyline per series.
 */
final class SvgChart {

    /** One line: a name for the legend, a colour, dashed or not, and its points. */
    record Series(String name, String colour, boolean dashed, double[] xs, double[] ys) {
    }

    /** One panel: a title, axis labels, and its series. */
    record Panel(String title, String xLabel, String yLabel, List<Series> series) {
    }

    private static final int W = 340;
    private static final int H = 250;
    private static final int LEFT = 62;
    private static final int RIGHT = 14;
    private static final int TOP = 30;
    private static final int BOTTOM = 44;

    private SvgChart() {
    }

    /** The whole chart: {@code panels} row by row, {@code columns} per row, a title and a legend line. */
    static String render(String title, String legend, List<Panel> panels, int columns) {
        int rows = (panels.size() + columns - 1) / columns;
        int width = columns * W;
        int height = rows * H + 56;
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">\n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
                escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\">%s</text>\n", escape(legend)));
        for (int i = 0; i < panels.size(); i++) {
            panel(s, panels.get(i), (i % columns) * W, 48 + (i / columns) * H);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, Panel p, int ox, int oy) {
        double[] xr = range(p.series(), true);
        double[] yr = range(p.series(), false);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        s.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,%d)\">\n", ox, oy));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>\n", LEFT, escape(p.title())));
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n", LEFT, TOP, pw, ph));
        for (double d = xr[0]; d <= xr[1] + 1e-9; d += 1) {
            double x = LEFT + (d - xr[0]) / (xr[1] - xr[0]) * pw;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    x, TOP, x, TOP + ph));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x, TOP + ph + 14, label(d)));
        }
        for (double d = yr[0]; d <= yr[1] + 1e-9; d += 1) {
            double y = TOP + ph - (d - yr[0]) / (yr[1] - yr[0]) * ph;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                    LEFT, y, LEFT + pw, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT - 4, y + 4, label(d)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                LEFT + pw / 2, TOP + ph + 32, escape(p.xLabel())));
        s.append(String.format(Locale.ROOT,
                "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>\n",
                TOP + ph / 2, TOP + ph / 2, escape(p.yLabel())));
        for (Series series : p.series()) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < series.xs().length; i++) {
                if (series.xs()[i] <= 0 || series.ys()[i] <= 0) {
                    continue; // not measured
                }
                double x = LEFT + (Math.log10(series.xs()[i]) - xr[0]) / (xr[1] - xr[0]) * pw;
                double y = TOP + ph - (Math.log10(series.ys()[i]) - yr[0]) / (yr[1] - yr[0]) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
                        x, y, series.colour()));
            }
            s.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s points=\"%s\"><title>%s</title></polyline>\n",
                    series.colour(), series.dashed() ? " stroke-dasharray=\"5,3\"" : "", pts.toString().trim(),
                    escape(series.name())));
        }
        s.append("</g>\n");
    }

    /** Whole decades (log10) around every positive value of the axis; [0, 1] when there is none. */
    static double[] range(List<Series> series, boolean x) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (Series s : series) {
            double[] vs = x ? s.xs() : s.ys();
            double[] other = x ? s.ys() : s.xs();
            for (int i = 0; i < vs.length; i++) {
                if (vs[i] > 0 && other[i] > 0) {
                    lo = Math.min(lo, Math.floor(Math.log10(vs[i])));
                    hi = Math.max(hi, Math.ceil(Math.log10(vs[i])));
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        return hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
    }

    /** 10^d with a unit prefix: 1, 10, 100, 1k ... 1G. */
    static String label(double decade) {
        long v = Math.round(Math.pow(10, decade));
        if (decade < 0) {
            return String.format(Locale.ROOT, "%s", Math.pow(10, decade));
        }
        String[] units = {"", "k", "M", "G", "T"};
        int u = 0;
        while (v >= 1000 && v % 1000 == 0 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return v + units[u];
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
