/**
 * Property (issue 16): the rules run on the well-formed parts of a schema-invalid spec without
 * ever throwing. Any value of a valid spec (the table-test base and examples/fleet.yaml) is
 * replaced by a value of another shape, or deleted; validation then reports at least one schema
 * finding, every finding is well-formed, no model is built, and the checks it could not run are
 * named rules of the catalog's rule set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { memoryFileSource } from '../../src/spec/files.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { v1alpha1Rules } from '../../src/spec/v1alpha1/rules/index.js';
import { diagnosticCatalog } from '../../src/diagnostics/codes.js';
import { baseSpec, FILES } from '../spec/spec-builder.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { FUZZ_RUNS, FUZZ_SEED, announceSeed, timeoutFor } from './fuzz-settings.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every pointer of a document (containers and leaves), with its path tokens. */
function pointersOf(v: Json, path: string[] = []): string[][] {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => pointersOf(x, [...path, String(i)]))];
  if (v !== null && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => pointersOf(x, [...path, k]))];
  return here;
}

function replaceAt(doc: Json, path: string[], value: Json | undefined): Json {
  const copy = structuredClone(doc);
  let cur: any = copy;
  for (const t of path.slice(0, -1)) cur = cur[t];
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

const fleet = jsYaml.load(readFileSync(join(PROJECT_ROOT, 'examples', 'fleet.yaml'), 'utf8')) as Json;
const fleetFiles = Object.fromEntries(['mesh-root-ca.pem', 'onprem-host-ca.pem'].map((f) => [`files/${f}`, readFileSync(join(PROJECT_ROOT, 'examples', 'files', f), 'utf8')]));
const docs: Array<{ doc: Json; files: Record<string, string> }> = [
  { doc: baseSpec() as Json, files: FILES },
  { doc: fleet, files: fleetFiles },
];
const other: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 70000 }),
  fc.constantFrom('', 'x', 'rhel9', 'TCP', '/etc/key', 'aws-prd'),
  fc.constant([] as Json[]),
  fc.constant([42] as Json[]),
  fc.constant({} as Json),
  fc.constant({ name: 7 } as Json),
);
const ruleNames = new Set(v1alpha1Rules.map((r) => r.name));

describe('rules on a schema-invalid spec', () => {
  it(
    'never throw, and report only well-formed findings',
    () => {
      announceSeed('partial-rules');
      fc.assert(
        fc.property(fc.nat(docs.length - 1), fc.nat(), other, (which, pick, value) => {
          const { doc, files } = docs[which]!;
          const all = pointersOf(doc).filter((p) => p[0] !== 'apiVersion' && p[0] !== 'kind');
          const path = all[pick % all.length]!;
          const mutated = replaceAt(doc, path, value);
          const r = validateSpec({ text: jsYaml.dump(mutated), file: 'spec.yaml', lockFile: 'spec.lock.yaml', files: memoryFileSource(files), ignoreLock: true });
          for (const d of r.diagnostics) {
            expect(diagnosticCatalog[d.code], d.code).toBeDefined();
            expect(d.message).toMatch(/^[a-z"`-]/);
          }
          for (const s of r.skippedRules ?? []) expect(ruleNames.has(s), s).toBe(true);
          if (r.diagnostics.some((d) => diagnosticCatalog[d.code].stage === 'schema')) expect(r.model).toBeUndefined();
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
    },
    timeoutFor(200),
  );
});
