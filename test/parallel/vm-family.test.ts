/**
 * VM families (src/parallel/vm-family.ts): a VM filled in from its family's template must be, byte
 * for byte, the VM rendered on its own: files, modes, sources, findings and usage record. Every
 * golden case is grown into a fleet of renamed copies of its workloads (names drawn by fast-check,
 * awkward ones included), and each VM is rendered both ways. Renderers that look at a name rather
 * than pass it through must have their family refused, and still render right.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Model, WorkloadModel } from '../../src/model/model.js';
import type { BundleFile } from '../../src/bundle/bundle.js';
import { BuildCache } from '../../src/translate/build-cache.js';
import { listVms, type VmRef } from '../../src/translate/vm-ref.js';
import { assumeLate, late, sha256OfJoined } from '../../src/translate/late-values.js';
import { memoizedYamlLoad } from '../../src/cluster/vm-usage.js';
import { vmRenderer, type RenderVm, type VmRender } from '../../src/parallel/render-vm.js';
import { VmFamilies } from '../../src/parallel/vm-family.js';
import { scanPlain } from '../../src/security/scan-bundle.js';
import { goldenCases, goldenModel } from '../helpers/golden-cases.js';

/** Every difference between two renders of one VM. */
function differences(x: VmRender, y: VmRender): string[] {
  const out: string[] = [];
  const bytes = (c: string | Uint8Array): Buffer => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  if ([...x.files.keys()].join('\n') !== [...y.files.keys()].join('\n')) out.push(`paths: ${[...x.files.keys()].join(',')} vs ${[...y.files.keys()].join(',')}`);
  for (const [path, f] of x.files) {
    const g = y.files.get(path);
    if (!g) continue;
    if (!bytes(f.content).equals(bytes(g.content))) out.push(`${path}: content`);
    if (f.mode !== g.mode) out.push(`${path}: mode`);
    if (f.source !== g.source) out.push(`${path}: source ${f.source} vs ${g.source}`);
  }
  expect.soft(x.findings, 'findings').toEqual(y.findings);
  expect.soft(x.usage, 'usage').toEqual(y.usage);
  // A filled VM's texts come with their secret scan, judged from the template: it must be what
  // scanning the text gives, and be of a text the VM has.
  const texts = new Set([...x.files.values()].map((f) => f.content));
  for (const [text, found] of x.scanned ?? []) {
    if (!texts.has(text)) out.push(`scanned a text that is no file's: ${text.slice(0, 60)}`);
    expect.soft(found, 'template scan').toEqual(scanPlain(text));
  }
  return out;
}

/** A copy of `w` named `name` in `namespace` (service account `sa`), its names replaced wherever they occur, as a fleet's author would write it. */
function renamed(w: WorkloadModel, index: number, name: string, namespace: string, sa: string, pointerOf: (i: number) => string): WorkloadModel {
  const from = [...new Set([w.name, w.namespace, w.serviceAccount])].sort((a, b) => b.length - a.length);
  const to = new Map([[w.name, name], [w.namespace, namespace], [w.serviceAccount, sa]]);
  const re = new RegExp(from.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const text = JSON.stringify({ ...w, placements: w.placements.map((p) => ({ ...p, pointer: '' })), pointer: '' }).replace(re, (m) => to.get(m)!);
  const copy = JSON.parse(text) as WorkloadModel;
  copy.pointer = pointerOf(index);
  copy.placements = copy.placements.map((p, i) => ({ ...p, pointer: `${copy.pointer}/platforms/${i}` }));
  return copy;
}

/** The golden case's model with its first workload copied under each of `names`. */
function fleetOf(model: Model, names: ReadonlyArray<{ name: string; namespace: string; sa: string }>): Model {
  const base = model.workloads[0]!;
  const workloads = names.map((n, i) => renamed(base, i, n.name, n.namespace, n.sa, (k) => `/workloads/${k}`));
  return { ...model, workloads };
}

/** Renders every VM through families and on its own; returns the families' stats. */
function compareAll(model: Model, renderOf: (m: Model) => RenderVm = (m) => vmRenderer(m, new BuildCache(), memoizedYamlLoad())): VmFamilies['stats'] {
  const families = new VmFamilies(renderOf(model));
  const own = renderOf(model);
  for (const vm of listVms(model)) {
    const diff = differences(families.renderVm(vm), own(vm));
    expect(diff, `${vm.workload.namespace}/${vm.workload.name} on ${vm.placement.platform}`).toEqual([]);
  }
  return families.stats;
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{1,20}[a-z0-9]$/);
/** Names that look like template text, YAML words, numbers, or are too short to be slots. */
const awkward = fc.constantFrom('bash', 'root', 'spire', 'istio', 'otel', 'app', 'etc', 'yes', 'true', 'null', 'on', 'no', 'ab', 'x', '1abc', '0x1f', '1e3', 'a-b', 'spire-agent', 'istio-system', 'default', 'vm');
const names = fc.uniqueArray(fc.record({ name: fc.oneof(label, awkward), namespace: fc.oneof(label, awkward), sa: fc.oneof(label, awkward) }), { minLength: 3, maxLength: 6, selector: (n) => `${n.namespace}/${n.name}` });

describe('VM families', () => {
  it('fill a fleet of copies of every golden case byte for byte as each VM renders on its own, and do fill most of them', async () => {
    for (const c of goldenCases()) {
      const model = await goldenModel(c);
      const stats = compareAll(fleetOf(model, Array.from({ length: 4 }, (_, i) => ({ name: `web-${i}`, namespace: `shop-${i}`, sa: `web-${i}` }))));
      // Four workloads on each placement: the first renders on its own, the second makes and checks
      // the template, the other two are filled.
      expect(stats.refused, c).toBe(0);
      expect(stats.filled, c).toBe(2 * model.workloads[0]!.placements.length);
    }
  }, 300_000);

  it('render right whatever the names: random and awkward ones (fast-check)', async () => {
    const models = await Promise.all(['aws-cloudinit', 'gcp-startup-script', 'onprem-x509pop', 'gloo-onprem', 'azure-rhel-arm64'].map((c) => goldenModel(c)));
    fc.assert(
      fc.property(fc.constantFrom(...models), names, (model, n) => {
        compareAll(fleetOf(model, n));
      }),
      { numRuns: 40 },
    );
  }, 300_000);

  it('scan each filled VM as its own text would be scanned, secrets in its names included', async () => {
    const model = await goldenModel('aws-cloudinit');
    // Names are DNS labels, and some DNS labels are tokens the scanner refuses (a GitLab or
    // Slack token): the template never held them, so they must be found near the slots.
    const secretNames = [`glpat-${'a'.repeat(20)}`, 'xoxb-0123456789', `glpat-${'b'.repeat(20)}`, 'plain-name', `xoxp-${'c'.repeat(12)}`];
    const fleet = fleetOf(model, secretNames.map((name, i) => ({ name, namespace: `ns-${i}`, sa: 'runner' })));
    // The first two VMs of the family render on their own; the last three (glpat-b…, plain-name, xoxp-…) are filled.
    expect(compareAll(fleet).filled).toBe(3 * model.workloads[0]!.placements.length);
    const families = new VmFamilies(vmRenderer(fleet, new BuildCache(), memoizedYamlLoad()));
    const found = new Set<string>();
    for (const vm of listVms(fleet)) for (const [, f] of families.renderVm(vm).scanned ?? []) for (const x of f) found.add(x.pattern);
    expect([...found].sort()).toEqual(['gitlab-token', 'slack-token']);
  });

  const synthetic =
    (content: (vm: VmRef) => string): ((m: Model) => RenderVm) =>
    () =>
    (vm) => ({
      files: new Map<string, BundleFile>([[`vms/${vm.workload.namespace}/${vm.workload.name}/x`, { content: content(vm), mode: 0o644, source: vm.placement.pointer }]]),
      findings: [],
      usage: undefined,
    });
  const plainFleet = async (): Promise<Model> => fleetOf(await goldenModel('aws-cloudinit'), Array.from({ length: 5 }, (_, i) => ({ name: `svc-${'n'.repeat(i * 9)}a`, namespace: `ns-${i}`, sa: `svc-${'n'.repeat(i * 9)}a` })));

  it('refuse a family whose renderer branches on a name’s length or sorts it among other text, and render each VM on its own', async () => {
    const model = await plainFleet();
    const byLength = compareAll(model, synthetic((vm) => (vm.workload.name.length > 20 ? `long ${vm.workload.name}` : `short ${vm.workload.name}`)));
    expect(byLength.refused).toBeGreaterThan(0);
    expect(byLength.filled).toBe(0);
    const sorted = compareAll(model, synthetic((vm) => [vm.workload.name, 'middle'].sort().join(' ')));
    expect(sorted.refused).toBeGreaterThan(0);
    expect(sorted.filled).toBe(0);
  });

  it('refuse a family whose renderer throws on a placeholder name, and render each VM on its own', async () => {
    const model = await plainFleet();
    const stats = compareAll(
      model,
      synthetic((vm) => {
        if (vm.workload.name.includes('vmofam')) throw new Error('not a name this renderer knows');
        return vm.workload.name;
      }),
    );
    expect(stats.refused).toBe(1);
    expect(stats.filled).toBe(0);
  });

  it('stop making templates when families come back only after theirs were evicted, and still render right', async () => {
    // 300 workloads in 100 shapes (their port), each shape back every 100 workloads: a template
    // made for a shape's second VM fills at most its third.
    const base = await goldenModel('aws-cloudinit');
    const model = fleetOf(base, Array.from({ length: 300 }, (_, i) => ({ name: `svc-${i}`, namespace: `ns-${i}`, sa: `svc-${i}` })));
    model.workloads.forEach((w, i) => (w.ports = [{ name: 'http', number: 8000 + (i % 100), protocol: 'HTTP' }]));
    const stats = compareAll(
      model,
      synthetic((vm) => `${vm.workload.name} ${vm.workload.ports[0]!.number}`),
    );
    // Sixteen templates made (two extra renders each), filling a VM each: under two fills per
    // template, so no more are made and the other 84 shapes' VMs render on their own.
    expect(stats.built).toBe(16);
    expect(stats.filled).toBe(16);
    expect(stats.own).toBe(300 - 16);
  });

  it('fill a passing-through renderer, computing late values from each VM’s own text and rendering on its own a VM whose assumed condition fails', async () => {
    const model = await plainFleet();
    const sha = ([t]: readonly string[]): string => createHash('sha256').update(t!).digest('hex');
    const render = synthetic((vm) => {
      const body = `name=${vm.workload.name} ns=${vm.workload.namespace}\n`;
      const fits = assumeLate([body], ([b]) => b!.length <= 40);
      return `${body}sha=${late([body], sha)}\n${fits ? 'fits' : 'too long'}\n`;
    });
    const stats = compareAll(model, render);
    expect(stats.refused).toBe(0);
    // svc- with 0, 9, 18, 27, 36 n's: the bodies of the last two are over 40 characters.
    expect(stats.filled).toBe(1);
    expect(stats.own).toBe(4);
  });

  it('hash a payload part by part exactly as its filled texts hash: em dashes, astral characters, half a surrogate pair beside an empty late value', async () => {
    const model = await plainFleet();
    // One function for every VM: a late value is the same only when its function is.
    const empty = (): string => '';
    const render = synthetic((vm) => {
      // An empty late value between the two halves of a pair: filled, they make one character,
      // whose UTF-8 is not that of the two halves encoded apart.
      const nothing = late([vm.workload.name], empty);
      const script = `# — ${vm.workload.name} 😀\n\uD83D${nothing}\uDE00 ns=${vm.workload.namespace}\n`;
      const staged = `unit of ${vm.workload.name} — ${vm.workload.serviceAccount}\n`;
      return `${script}hash=${late([script, 'unit.service', staged], sha256OfJoined)}\n`;
    });
    const stats = compareAll(model, render);
    expect(stats.refused).toBe(0);
    expect(stats.filled).toBe(3);
  });

  it('render on its own a VM whose late value is text a quoting would change (slots are filled after serialization)', async () => {
    const model = await plainFleet();
    // A value with a quote and a space: only hex digests and base64 go into slots.
    const quoted = ([t]: readonly string[]): string => `it's ${t!.length}`;
    const stats = compareAll(model, synthetic((vm) => `name=${vm.workload.name} len=${late([vm.workload.name], quoted)}\n`));
    // The template cannot be filled for the VM it is checked against, so it is refused.
    expect(stats.refused).toBe(1);
    expect(stats.filled).toBe(0);
    expect(stats.own).toBe(5);
  });
});
