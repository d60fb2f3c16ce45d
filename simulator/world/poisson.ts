/**
 * A Poisson-distributed count with mean `lambda`, from two uniforms in [0, 1): inversion of the CDF for
 * small means (exact), a rounded normal approximation for large ones (where inversion would take O(λ)).
 */
export function poisson(lambda: number, u1: number, u2: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    let p = Math.exp(-lambda);
    let cdf = p;
    let k = 0;
    while (u1 > cdf && k < 1000) {
      k++;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }
  // Box–Muller; 1 − u1 keeps the logarithm finite.
  const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}
