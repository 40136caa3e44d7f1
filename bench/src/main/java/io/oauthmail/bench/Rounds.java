package io.oauthmail.bench;

import java.util.Arrays;
import java.util.Locale;

/** Per-round figures of an A/B bench: the median and quartiles that a noisy machine allows us to quote. */
final class Rounds {

    private Rounds() {
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** {@code "median M, quartiles Q1-Q3"} of {@code values}, lower quartile by index n/4, upper by 3n/4. */
    static String medianAndQuartiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "median %.2f, quartiles %.2f-%.2f", median(values), sorted[sorted.length / 4],
                sorted[sorted.length * 3 / 4]);
    }

    /** a[i] / b[i] for every round. */
    static double[] ratios(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return ratios;
    }
}
