/**
 * How many hostile cases each property of test/hardening tries, and with which seed. CI runs the
 * default (300 per property); `npm run fuzz` sets VMONBOARD_FUZZ_RUNS=10000. The seed is random
 * unless VMONBOARD_FUZZ_SEED is set, and it is printed before any case runs, so a failure found
 * by a long run can be replayed exactly: `VMONBOARD_FUZZ_SEED=<seed> VMONBOARD_FUZZ_RUNS=<n>`.
 */

/** Default cases per property: the floor for CI. */
export const DEFAULT_RUNS = 300;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Cases per property (VMONBOARD_FUZZ_RUNS, default {@link DEFAULT_RUNS}). */
export const FUZZ_RUNS = positiveInt('VMONBOARD_FUZZ_RUNS', DEFAULT_RUNS);

/** The seed of this run (VMONBOARD_FUZZ_SEED, else random): fast-check seeds are 32-bit integers. */
export const FUZZ_SEED = ((): number => {
  const raw = process.env.VMONBOARD_FUZZ_SEED;
  if (raw === undefined || raw === '') return (Math.random() * 0x7fffffff) | 0;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`VMONBOARD_FUZZ_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return n | 0;
})();

/**
 * Prints the seed and the replay command for one property. stdout, not a logger: vitest shows a
 * test file's console output, and the seed must be visible even when the failure is a timeout.
 */
export function announceSeed(property: string): void {
  console.log(`[fuzz] ${property}: ${FUZZ_RUNS} cases, seed ${FUZZ_SEED} (replay: VMONBOARD_FUZZ_SEED=${FUZZ_SEED} VMONBOARD_FUZZ_RUNS=${FUZZ_RUNS} npx vitest run test/hardening)`);
}

/**
 * A test timeout that grows with the number of cases: `msPerCase` is the measured cost of one
 * case on a 2-core machine with headroom, so a 10,000-case fuzz run does not hit CI's default.
 */
export function timeoutFor(msPerCase: number, fixedMs = 60_000): number {
  return fixedMs + FUZZ_RUNS * msPerCase;
}
