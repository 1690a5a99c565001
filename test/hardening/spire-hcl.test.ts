/**
 * Property: every SPIRE agent config a hostile spec renders parses with HCL v1 (hashicorp/hcl
 * `hcl.Decode`, SPIRE's own parser, through the Go harness) to exactly the intended values: the
 * x509pop certificate and intermediates paths come back byte for byte, the config passes the
 * SPIRE 1.15.3 key check, and no string holds `${` (specs with one are refused before rendering,
 * which test/hardening/pipeline-never-throws.test.ts asserts).
 */
import { describe, expect, it } from 'vitest';
import { parseManyHcl } from '../harness/go-harness.js';
import { checkSpireAgentConfig } from '../validators/spire-agent-config.js';
import { count, Failures, forEachRenderedChunk, type IndexedCase } from './corpus.js';
import { timeoutFor } from './fuzz-settings.js';
import { bundlePaths, bundleText, VM_DIRS } from './render-case.js';

/**
 * Follows keys through HCL v1's generic shape, where every block is a list of maps and a JSON
 * object with several keys may come back as several one-key maps: at a list, the first element
 * holding the key is taken.
 */
function dig(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys) {
    if (Array.isArray(v)) v = v.find((x) => x !== null && typeof x === 'object' && k in x);
    v = (v as Record<string, unknown> | undefined)?.[k];
  }
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** Every string in a decoded value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('SPIRE agent configs of hostile specs, read by HCL v1', () => {
  it(
    'parse to exactly the intended values',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('spire-hcl', 100, async (chunk, stats) => {
        const texts: Array<{ c: IndexedCase; path: string; text: string }> = [];
        for (const c of chunk) {
          for (const path of bundlePaths(c.rendered.bundle!, (p) => p.endsWith('/spire/agent.conf'))) texts.push({ c, path, text: bundleText(c.rendered.bundle!, path) });
        }
        const decoded = await parseManyHcl(texts.map((t) => t.text));
        count(stats, 'SPIRE configs', texts.length);
        texts.forEach((t, i) => {
          const r = decoded[i]!;
          try {
            if ('error' in r) throw new Error(`${t.path}: HCL v1 refused it: ${r.error}`);
            expect(checkSpireAgentConfig(r.ok), t.path).toEqual([]);
            expect(strings(r.ok).filter((s) => s.includes('${')), `${t.path}: interpolation`).toEqual([]);
            // HCL v1 reads JSON natively: the decoded strings are exactly JSON's.
            expect(strings(r.ok).sort()).toEqual(strings(JSON.parse(t.text)).sort());
            if (t.path.startsWith(`${VM_DIRS.onprem}/`)) {
              const v = t.c.rendered.input.values;
              const data = dig(r.ok, 'plugins', 'NodeAttestor', 'x509pop', 'plugin_data') as Record<string, unknown>;
              expect(data.certificate_path).toBe(v.certificatePath);
              expect(data.intermediates_path).toBe(v.intermediatesPath);
              count(stats, 'x509pop paths located');
            }
          } catch (e) {
            failures.add(t.c, (e as Error).message);
          }
        });
      });
      expect(failures.report()).toEqual([]);
    },
    timeoutFor(100),
  );
});
