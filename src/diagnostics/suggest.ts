/**
 * "Did you mean" for misspelled keys, enum values, references and command-line names. Edit
 * distance is computed by hand (a dozen lines) rather than with a dependency: the candidate lists
 * are tiny (enum values, platform names) and the rules need exact control over what counts as
 * close.
 */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Case and separators do not count: `rhel9` is `rhel-9`, `tcp` is `TCP`. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_.\s]/g, '');
}

/**
 * Returns the candidate closest to `given` when it is close enough to be a slip (equal up to case
 * and separators, or at most 2 edits and less than half the length away), or undefined. Ties go
 * to the first candidate, so the answer is deterministic.
 */
export function closestMatch(given: string, candidates: readonly string[]): string | undefined {
  const g = fold(given);
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    if (c === given) continue;
    const d = editDistance(g, fold(c));
    if (d <= 2 && d < Math.max(2, Math.ceil(c.length / 2)) && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

/** The hint text for a suggestion: `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const m = closestMatch(given, candidates);
  return m === undefined ? undefined : `did you mean "${m}"?`;
}
