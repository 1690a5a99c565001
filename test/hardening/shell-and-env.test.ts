/**
 * Property: for every hostile spec that renders, every shell script of the bundle passes `bash -n`,
 * and sourcing each VM's cluster.env in bash (as istio-start.sh does: `set -a; . cluster.env`)
 * sets exactly the intended variables (buildClusterEnv) and no other, with the labels arriving
 * verbatim in ISTIO_METAJSON_LABELS, and runs nothing: no canary file appears.
 */
import { describe, expect, it } from 'vitest';
import { buildClusterEnv } from '../../src/vm/cluster-env.js';
import { canonicalService } from '../../src/vm/proxy-metadata.js';
import { bashSyntaxErrors, sourceEnvFiles } from './bash-batch.js';
import { count, Failures, forEachRenderedChunk, type IndexedCase } from './corpus.js';
import { timeoutFor } from './fuzz-settings.js';
import { CANARY_DIR, canaryHits } from './hostile-strings.js';
import { bundlePaths, bundleText, VM_DIRS } from './render-case.js';

describe('shell scripts and cluster.env of hostile specs', () => {
  it(
    'every script parses with bash -n; cluster.env sources to exactly the intended values and runs nothing',
    async () => {
      const failures = new Failures();
      await forEachRenderedChunk('shell-and-env', 50, async (chunk, stats) => {
        // bash -n, deduplicated: verify.sh and friends repeat across cases.
        const unique = new Map<string, Array<{ c: IndexedCase; path: string }>>();
        for (const c of chunk) {
          for (const path of bundlePaths(c.rendered.bundle!, (p) => p.endsWith('.sh'))) {
            const text = bundleText(c.rendered.bundle!, path);
            if (!unique.has(text)) unique.set(text, []);
            unique.get(text)!.push({ c, path });
          }
        }
        const scripts = [...unique.keys()];
        const errors = await bashSyntaxErrors(scripts);
        count(stats, 'scripts parsed by bash -n', scripts.length);
        for (const [i, e] of errors) for (const { c, path } of unique.get(scripts[i]!)!) failures.add(c, `${path}: bash -n: ${e}`);

        // cluster.env, one subshell per file; a case's three VMs share the intended values.
        const envs = chunk.flatMap((c) => Object.values(VM_DIRS).map((dir) => ({ c, path: `${dir}/istio/cluster.env` })));
        const expected = envs.map(({ c }) => buildClusterEnv(c.rendered.model!, c.rendered.model!.workloads[0]!));
        const keys = [...new Set(expected.flatMap((e) => Object.keys(e)))];
        const sourced = await sourceEnvFiles(envs.map(({ c, path }) => bundleText(c.rendered.bundle!, path)), keys, CANARY_DIR);
        count(stats, 'cluster.env files sourced', envs.length);
        envs.forEach(({ c, path }, i) => {
          try {
            expect(sourced[i], path).toEqual(expected[i]);
            const labels = c.rendered.input.values.workloadLabels;
            const canonical = canonicalService(c.rendered.model!.workloads[0]!);
            expect(JSON.parse(sourced[i]!.ISTIO_METAJSON_LABELS!)).toEqual({ ...labels, 'service.istio.io/canonical-name': canonical.name, 'service.istio.io/canonical-revision': canonical.revision });
          } catch (e) {
            failures.add(c, (e as Error).message);
          }
        });
        const hits = canaryHits();
        if (hits.length > 0) for (const c of chunk) failures.add(c, `a canary ran while sourcing cluster.env or parsing scripts: ${hits.join(', ')}`);
      });
      expect(failures.report()).toEqual([]);
    },
    timeoutFor(250),
  );
});
