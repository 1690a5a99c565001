/**
 * The hostile corpus of one property: FUZZ_RUNS cases drawn with FUZZ_SEED, rendered in chunks so
 * the external checkers (PyYAML, HCL v1, bash) run once per chunk instead of once per file, and so
 * a 10,000-case run never holds 10,000 bundles in memory. Failures are collected with the case
 * index and its exact values, so a failing case can be kept as a regression test.
 */
import fc from 'fast-check';
import { FUZZ_RUNS, FUZZ_SEED, announceSeed } from './fuzz-settings.js';
import { hostileCase, type HostileCase } from './hostile-spec.js';
import { describeCase, renderCase, type RenderedCase } from './render-case.js';

/** A rendered case with its index in the corpus (the replay coordinate with the seed). */
export interface IndexedCase {
  index: number;
  rendered: RenderedCase;
}

/** Counts for the closing table: how many cases, how many rendered, what refused the rest. */
export interface CorpusStats {
  cases: number;
  rendered: number;
  refused: Record<string, number>;
  /** Free-form counters a property adds (documents read, scripts checked, ...). */
  checked: Record<string, number>;
}

/** Collects failures of one property. */
export class Failures {
  private readonly list: string[] = [];

  /** Records a failure of case `c` (with its values, for a regression test). */
  add(c: IndexedCase, what: string): void {
    this.list.push(`case #${c.index} (seed ${FUZZ_SEED}): ${what}\n  values: ${describeCase(c.rendered.input)}`);
  }

  /** The failures, the first few in full (one failure usually repeats across many cases). */
  report(): string[] {
    return this.list.length <= 5 ? this.list : [...this.list.slice(0, 5), `... and ${this.list.length - 5} more`];
  }
}

/** The cases of this run, in order (deterministic for a seed and a number of runs). */
export function hostileCases(runs = FUZZ_RUNS, seed = FUZZ_SEED): HostileCase[] {
  return fc.sample(hostileCase, { numRuns: runs, seed });
}

/**
 * Renders the corpus chunk by chunk and hands each chunk's cases that produced a bundle to
 * `check`; returns the counts. Announces the seed first.
 */
export async function forEachRenderedChunk(property: string, chunkSize: number, check: (chunk: IndexedCase[], stats: CorpusStats) => Promise<void>): Promise<CorpusStats> {
  announceSeed(property);
  const cases = hostileCases();
  const stats: CorpusStats = { cases: cases.length, rendered: 0, refused: {}, checked: {} };
  for (let start = 0; start < cases.length; start += chunkSize) {
    const chunk: IndexedCase[] = [];
    cases.slice(start, start + chunkSize).forEach((c, i) => {
      const rendered = renderCase(c);
      if (rendered.bundle) {
        stats.rendered++;
        chunk.push({ index: start + i, rendered });
      } else {
        const first = rendered.diagnostics.find((d) => d.severity === 'error');
        const code = first?.code ?? 'NONE';
        stats.refused[code] = (stats.refused[code] ?? 0) + 1;
      }
    });
    if (chunk.length > 0) await check(chunk, stats);
  }
  console.log(`[fuzz] ${property}: ${stats.cases} cases, ${stats.rendered} rendered, refused ${JSON.stringify(stats.refused)}, checked ${JSON.stringify(stats.checked)}`);
  return stats;
}

/** Adds `n` to a counter of the stats. */
export function count(stats: CorpusStats, what: string, n = 1): void {
  stats.checked[what] = (stats.checked[what] ?? 0) + n;
}
