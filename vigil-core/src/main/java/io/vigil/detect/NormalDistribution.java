package io.vigil.detect;

/** The standard normal tail and its inverse, accurate far into the tail (φ up to ~300). */
final class NormalDistribution {
    private NormalDistribution() {
    }

    /** Q(y) = 1 − Φ(y) = P(Y > y). */
    static double upperTail(double y) {
        return 0.5 * erfc(y / Math.sqrt(2));
    }

    /**
     * erfc with relative error below 1.2e-7 everywhere (Chebyshev fit from Numerical Recipes, 3rd ed., §6.2), which
     * keeps log10 of tiny tails accurate, unlike 1 − erf.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /**
     * The y with Q(y) = p, for 0 < p < 0.5: Acklam's rational approximation of the normal quantile, then one Newton
     * step on {@link #upperTail} so that φ(limit) equals the threshold to about 1e-6.
     */
    static double upperQuantile(double p) {
        if (!(p > 0 && p < 0.5)) throw new IllegalArgumentException("tail probability must be in (0, 0.5): " + p);
        double q = Math.sqrt(-2 * Math.log(p));
        double y = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                + 3.754408661907416e+00) * q + 1);
        y = -y; // Acklam gives the lower quantile
        if (p >= 0.02425) { // central region
            double r = p - 0.5, s = r * r;
            y = -((((((-3.969683028665376e+01 * s + 2.209460984245205e+02) * s - 2.759285104469687e+02) * s
                    + 1.383577518672690e+02) * s - 3.066479806614716e+01) * s + 2.506628277459239e+00) * r)
                    / (((((-5.447609879822406e+01 * s + 1.615858368580409e+02) * s - 1.556989798598866e+02) * s
                    + 6.680131188771972e+01) * s - 1.328068155288572e+01) * s + 1);
        }
        double density = Math.exp(-0.5 * y * y) / Math.sqrt(2 * Math.PI);
        return y + (upperTail(y) - p) / density;
    }
}
