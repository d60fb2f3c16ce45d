/**
 * "Did you mean …?" for misspelt annotation keys, colors and keywords.
 */

/**
 * Inputs longer than this get no suggestion: every candidate Isthmus suggests is short (< 32 characters),
 * and the distance is quadratic, so a megabyte of hostile input must not reach it.
 */
export const MAX_SUGGEST_INPUT = 64;

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two adjacent
 * characters each cost 1 (a swap, `isthums`, is the commonest typo and plain Levenshtein counts it as 2).
 * Works on UTF-16 units, which is fine for the ASCII names it compares.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: the one two back is needed for the swap case.
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a plausible typo.
 * Case is ignored, so `MPLS` suggests `mpls`. A candidate qualifies when its distance is at most a third of
 * its length (at least 1, at most 3), or when one contains the other and both have 4 characters or more (`latency` → `max-latency`). Ties go
 * to the earlier candidate, so callers list candidates in order of likelihood.
 */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (input.length === 0 || input.length > MAX_SUGGEST_INPUT) return undefined;
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const target = candidate.toLowerCase();
    const distance = editDistance(needle, target);
    const threshold = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
    const contains = Math.min(needle.length, target.length) >= 4 && (target.includes(needle) || needle.includes(target));
    if ((distance <= threshold || contains) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
