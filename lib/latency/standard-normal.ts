import type { RandomStream } from '../random/index.js';

// simple-statistics' errorFunction (Numerical Recipes' erfcc, relative error ~1.2e-7, and 1 - tau
// cancels in the tails) and inverseErrorFunction (Winitzki's closed form, ~1e-3) are too coarse for
// quantiles and tail ratios, so the standard normal's CDF and inverse are the two classic double
// precision algorithms below.

/** 1 / sqrt(2 pi). */
const INV_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;
const SQRT_2PI = 2.506628274631000502415765284811;

// W. J. Cody's rational Chebyshev coefficients (ANORM in netlib specfun; the same table R's pnorm uses).
const A = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249,
  0.065682337918207449113,
];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226,
  2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
  1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
  18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466,
  2.9112874951168792e-5, 0.02307344176494017303,
];
const Q = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244,
  7.29751555083966205e-5,
];

/** Below this |x| Cody's first range (a rational function of x^2) applies. */
const CENTRAL = 0.67448975;

/**
 * The scaled upper tail T(y) = Q(y) exp(y^2 / 2) for y > 0.67448975, from Cody's second and third
 * ranges (Q(y) = 1 - Phi(y)). It never underflows, so tail ratios stay exact far out.
 */
function scaledTailOutside(y: number): number {
  if (y <= SQRT_32) {
    let xnum = C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]) * y;
      xden = (xden + D[i]) * y;
    }
    return (xnum + C[7]) / (xden + D[7]);
  }
  return (INV_SQRT_2PI - asymptoticTerm(y)) / y;
}

/** Cody's third range (y > sqrt(32)): T(y) = (1/sqrt(2 pi) - asymptoticTerm(y)) / y. */
function asymptoticTerm(y: number): number {
  const xsq = 1 / (y * y);
  let xnum = P[5] * xsq;
  let xden = xsq;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + P[i]) * xsq;
    xden = (xden + Q[i]) * xsq;
  }
  return (xsq * (xnum + P[4])) / (xden + Q[4]);
}

/** exp(-y^2 / 2) with y^2 split so that the rounding of y*y does not cost relative accuracy (as in Cody / R). */
function gaussianFactor(y: number): number {
  if (y > 40) return 0; // below the smallest double; also keeps Infinity from producing NaN
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5);
}

/** Cody's central range: Phi(x) - 1/2 for |x| <= 0.67448975. */
function centralHalf(x: number): number {
  const xsq = x * x;
  let xnum = A[4] * xsq;
  let xden = xsq;
  for (let i = 0; i < 3; i++) {
    xnum = (xnum + A[i]) * xsq;
    xden = (xden + B[i]) * xsq;
  }
  return (x * (xnum + A[3])) / (xden + B[3]);
}

/**
 * The standard normal CDF, Phi(x) = P(Z <= x), to full double precision (relative error ~1e-16,
 * including the lower tail down to underflow near x = -38.5).
 *
 * Reference: W. J. Cody, "Rational Chebyshev approximations for the error function",
 * Mathematics of Computation 23 (1969) 631-637; algorithm ANORM (netlib specfun), as used in R's pnorm.
 * https://en.wikipedia.org/wiki/Normal_distribution#Cumulative_distribution_function
 *
 * @example
 * normalCdf(1.959963984540054); // 0.975
 * normalCdf(-10); // 7.619853024160527e-24
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= CENTRAL) return 0.5 + centralHalf(x);
  const tail = gaussianFactor(y) * scaledTailOutside(y);
  return x > 0 ? 1 - tail : tail;
}

/**
 * The standard normal upper tail Q(x) = 1 - Phi(x) = P(Z > x), accurate where it is small
 * (no cancellation in 1 - Phi).
 *
 * Reference: W. J. Cody (1969), see {@link normalCdf}.
 * https://en.wikipedia.org/wiki/Q-function
 *
 * @example
 * normalUpperTail(10); // 7.619853024160527e-24
 */
export function normalUpperTail(x: number): number {
  return normalCdf(-x);
}

/**
 * The scaled upper tail Q(x) exp(x^2 / 2) for x >= 0, finite for any x (it tends to 1/(x sqrt(2 pi))):
 * the tail without its Gaussian factor, so ratios of far tails and the inverse Mills ratio
 * phi(x)/Q(x) = 1/(sqrt(2 pi) * scaled) are exact where Q itself underflows.
 *
 * Reference: W. J. Cody (1969), see {@link normalCdf}; Mills ratio:
 * https://en.wikipedia.org/wiki/Mills_ratio
 *
 * @example
 * normalUpperTailScaled(0); // 0.5
 * normalUpperTailScaled(1e6) * 1e6 * Math.sqrt(2 * Math.PI); // ~1
 */
export function normalUpperTailScaled(x: number): number {
  if (x <= CENTRAL) return (0.5 - centralHalf(x)) * Math.exp(0.5 * x * x);
  return scaledTailOutside(x);
}

/**
 * h(x) - x for x >= 0, where h(x) = phi(x) / Q(x) is the normal hazard rate (inverse Mills ratio).
 * It tends to 1/x, and is computed without the cancellation of h(x) - x for large x: it is the
 * mean excess E[Z - x | Z > x] of a standard normal Z over x.
 *
 * Reference: W. J. Cody (1969), see {@link normalCdf}; https://en.wikipedia.org/wiki/Mills_ratio
 *
 * @example
 * normalHazardExcess(0); // sqrt(2/pi) = 0.7978845608028654
 * normalHazardExcess(1e6); // ~1e-6
 */
export function normalHazardExcess(x: number): number {
  if (x <= SQRT_32) return 1 / (SQRT_2PI * normalUpperTailScaled(x)) - x;
  // T(x) = (1/sqrt(2 pi) - t)/x, so h(x) = x / (1 - c) with c = sqrt(2 pi) t, and h - x = x c / (1 - c).
  const c = SQRT_2PI * asymptoticTerm(x);
  return (x * c) / (1 - c);
}

/**
 * The standard normal density phi(x) = exp(-x^2/2) / sqrt(2 pi).
 *
 * Reference: https://en.wikipedia.org/wiki/Normal_distribution
 *
 * @example
 * normalDensity(0); // 0.3989422804014327
 */
export function normalDensity(x: number): number {
  return INV_SQRT_2PI * gaussianFactor(Math.abs(x));
}

/**
 * The standard normal quantile Phi^-1(p), relative error about 1e-16 for p in (0, 1);
 * -Infinity at 0 and Infinity at 1.
 *
 * Reference: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
 * Applied Statistics 37(3) (1988) 477-484 (PPND16).
 * https://en.wikipedia.org/wiki/Probit
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) *
          r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) *
        r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) *
        r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) *
        r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) *
        r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) *
        r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

/**
 * One standard normal draw by the Box-Muller transform (an exact transform of two uniforms; the
 * second variate of the pair is dropped so the draw keeps no state between calls).
 *
 * Reference: G. E. P. Box, M. E. Muller, "A Note on the Generation of Random Normal Deviates",
 * Annals of Mathematical Statistics 29(2) (1958) 610-611.
 * https://en.wikipedia.org/wiki/Box%E2%80%93Muller_transform
 *
 * @example
 * standardNormal(deriveStream(1)); // a draw from N(0, 1)
 */
export function standardNormal(rng: RandomStream): number {
  const radius = Math.sqrt(-2 * Math.log(rng.nextOpenDouble()));
  return radius * Math.cos(2 * Math.PI * rng.nextDouble());
}
