import { it } from 'vitest';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { goldenModel } from '../helpers/golden-cases.js';
import { validateSpecFile } from '../../src/api.js';
import { renderVmPayload } from '../../src/delivery/payloads.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { listAgentFetches } from '../../src/vm/agent-fetches.js';
import { gzipSync } from 'node:zlib';
it('render', async () => {
  rmSync('/tmp/out', { recursive: true, force: true });
  const models = [['quickstart', (await validateSpecFile('examples/quickstart.yaml')).model!] as const];
  for (const c of ['aws-cloudinit','gcp-startup-script','onprem-x509pop','aws-bake','baremetal-jointoken','azure-cloudinit']) models.push([c, await goldenModel(c)] as const);
  for (const [c, m] of models) {
    for (const w of m.workloads) for (const pl of w.placements) {
    const p = m.platforms.find(x=>x.name===pl.platform)!;
    const r = renderVmPayload({ model: m, workload: w, placement: pl, platform: p, agentFiles: listAgentFiles(m, w, pl), fetches: listAgentFetches(m, w, pl) });
    const d = `/tmp/out/${c}/${w.name}-${p.name}`;
    mkdirSync(d, {recursive:true});
    for (const f of r.files) writeFileSync(`${d}/${f.name}`, f.content);
    console.log(c, w.name, p.name, r.files.map(f=>`${f.name}:${f.content.length}/${gzipSync(f.content,{level:9}).length}`).join(' '), JSON.stringify(r.diagnostics));
    }
  }
});
