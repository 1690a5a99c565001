/**
 * Finds the workload a command-line argument names. A workload's identity is (namespace, name),
 * as in Kubernetes (issue 16), so `--workload` takes `<namespace>/<name>`, or a plain `<name>` when
 * exactly one namespace has a workload of that name. Shared by `userdata`, `aws launch-template`,
 * `explain` and the e2e harness, so they accept and refuse the same arguments.
 */
import { closestMatch } from '../diagnostics/suggest.js';
import type { WorkloadKey } from './model.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';

/** Why a `--workload` argument names no single workload. */
export type WorkloadLookupReason = 'unknown' | 'ambiguous';

/**
 * A `--workload` argument that names no workload, or a plain name that more than one namespace
 * has. `code` is the stable catalog code of the ambiguity (WORKLOAD_AMBIGUOUS); an unknown name
 * has none, as before issue 16.
 */
export class WorkloadLookupError extends Error {
  readonly code: DiagnosticCode | undefined;

  constructor(
    readonly reason: WorkloadLookupReason,
    message: string,
    /** The `<namespace>/<name>` forms that would have worked (ambiguous), or the suggestion (unknown). */
    readonly choices: readonly string[],
  ) {
    super(message);
    this.code = reason === 'ambiguous' ? 'WORKLOAD_AMBIGUOUS' : undefined;
  }
}

/** `<namespace>/<name>`: the qualified form every command accepts. */
export function qualifiedWorkloadName(w: WorkloadKey): string {
  return `${w.namespace}/${w.name}`;
}

/**
 * The shortest form that names `w` unambiguously among `all`: its plain name when no other
 * namespace has it, else `<namespace>/<name>`.
 */
export function shortWorkloadName(w: WorkloadKey, all: readonly WorkloadKey[]): string {
  return (countNames(all).get(w.name) ?? 0) > 1 ? qualifiedWorkloadName(w) : w.name;
}

/**
 * How many workloads have each name, computed once per workload list: the README and firewall
 * translators ask for every workload, and a spec may hold 20,000 (a scan each would be quadratic).
 */
const nameCounts = new WeakMap<readonly WorkloadKey[], Map<string, number>>();
function countNames(all: readonly WorkloadKey[]): Map<string, number> {
  let counts = nameCounts.get(all);
  if (!counts) {
    counts = new Map();
    for (const x of all) counts.set(x.name, (counts.get(x.name) ?? 0) + 1);
    nameCounts.set(all, counts);
  }
  return counts;
}

/** `"a"` or `"a" or "b"` or `"a", "b" or "c"`. */
function quoteChoices(choices: readonly string[]): string {
  const q = choices.map((c) => JSON.stringify(c));
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** The did-you-mean suggestions for an unknown argument, as qualified or plain names that work. */
function suggest<W extends WorkloadKey>(given: string, workloads: readonly W[]): string[] {
  if (given.includes('/')) {
    const ids = workloads.map(qualifiedWorkloadName);
    const id = closestMatch(given, ids);
    if (id !== undefined) return [id];
    // The right name in the wrong namespace: offer the namespaces that have it.
    const name = given.slice(given.lastIndexOf('/') + 1);
    return workloads.filter((w) => w.name === name).map(qualifiedWorkloadName);
  }
  const names = [...new Set(workloads.map((w) => w.name))];
  const match = closestMatch(given, names);
  if (match === undefined) return [];
  const same = workloads.filter((w) => w.name === match);
  return same.length > 1 ? same.map(qualifiedWorkloadName) : [match];
}

/**
 * Returns the workload `given` names (`<namespace>/<name>`, or a plain name exactly one namespace
 * has). Throws WorkloadLookupError naming the choices when nothing matches or the plain name is
 * ambiguous; both are command-line mistakes (exit 2).
 */
export function findWorkload<W extends WorkloadKey>(workloads: readonly W[], given: string): W {
  const slash = given.indexOf('/');
  if (slash >= 0) {
    const ns = given.slice(0, slash);
    const name = given.slice(slash + 1);
    const w = workloads.find((x) => x.namespace === ns && x.name === name);
    if (w) return w;
  } else {
    const same = workloads.filter((x) => x.name === given);
    if (same.length === 1) return same[0]!;
    if (same.length > 1) {
      const choices = same.map(qualifiedWorkloadName);
      throw new WorkloadLookupError(
        'ambiguous',
        `workload "${given}" is in ${same.length} namespaces (did you mean ${quoteChoices(choices)}?); name one as <namespace>/<name>`,
        choices,
      );
    }
  }
  const choices = suggest(given, workloads);
  const mean = choices.length > 0 ? ` (did you mean ${quoteChoices(choices)}?)` : '';
  const known = workloads.map((w) => shortWorkloadName(w, workloads));
  throw new WorkloadLookupError('unknown', `the spec has no workload ${JSON.stringify(given)}${mean}; workloads: ${known.join(', ')}`, choices);
}
