/**
 * One VM as a VM worker renders it: the files of every per-VM translator buildBundle runs, the
 * findings each made, and what the files say about the cluster (its usage record, read back from
 * the files as the consistency check reads them).
 */
import type { Model } from '../model/model.js';
import { BundleBuilder, type Bundle } from '../bundle/bundle.js';
import type { BuildCache } from '../translate/build-cache.js';
import type { TranslatorFinding } from '../translate/translator.js';
import type { VmRef } from '../translate/vm-ref.js';
import { translators } from '../translators.js';
import { readVmUsageOf, type YamlLoad } from '../cluster/vm-usage.js';
import type { UsageRecord } from './protocol.js';
import type { TextFinding } from '../security/scan-bundle.js';

/** What rendering one VM gives. */
export interface VmRender {
  /** Its files, by bundle path. */
  files: Bundle;
  /** The findings of each translator that made some: [index into translators, findings]. */
  findings: Array<[translator: number, findings: TranslatorFinding[]]>;
  /** Its usage record (flavor istio), without the workload and placement it is for. */
  usage: UsageRecord | undefined;
  /**
   * What the secret scan finds in some of its texts, without decoding (scanPlain), when that is
   * known already: a VM filled from its family's template (vm-family.ts) was judged from the
   * template's parts and its own slot values (security/template-scan.ts).
   */
  scanned?: ReadonlyArray<readonly [text: string, findings: TextFinding[]]>;
}

/** Renders one VM. */
export type RenderVm = (vm: VmRef) => VmRender;

const perVm = translators.flatMap((t, index) => (t.perVm ? [{ index, each: t.perVm.each }] : []));

/** A RenderVm over `model`, sharing `cache` and `load` (one chunk's) between the VMs it renders. */
export function vmRenderer(model: Model, cache: BuildCache, load: YamlLoad): RenderVm {
  return (vm) => {
    const out = new BundleBuilder();
    const findings: VmRender['findings'] = [];
    for (const t of perVm) {
      const d = t.each(model, vm, out, cache);
      if (d.length > 0) findings.push([t.index, d]);
    }
    let usage: UsageRecord | undefined;
    if (model.flavor === 'istio') {
      const text = (path: string): string | undefined => {
        const c = out.get(path)?.content;
        return c === undefined ? undefined : typeof c === 'string' ? c : Buffer.from(c).toString('utf8');
      };
      const { workload: _w, placement: _p, ...record } = readVmUsageOf(model, vm.workload, vm.placement, text, load);
      usage = record;
    }
    return { files: out.build(), findings, usage };
  };
}
