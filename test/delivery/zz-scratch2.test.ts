import { it } from 'vitest';
import { validateSpecFile } from '../../src/api.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { listAgentFetches } from '../../src/vm/agent-fetches.js';
it('sizes', async () => {
  const r = await validateSpecFile('examples/quickstart.yaml');
  const m = r.model!;
  for (const w of m.workloads) for (const p of w.placements) {
    const fs = listAgentFiles(m, w, p);
    console.log(w.name, p.platform, fs.map(f => `${f.bundlePath}:${f.content.length}`).join(' '), 'total', fs.reduce((a, f) => a + f.content.length, 0), JSON.stringify(listAgentFetches(m, w, p)));
  }
});
