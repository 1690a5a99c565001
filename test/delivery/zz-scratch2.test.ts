import { it } from 'vitest';
import { renderSpecFile } from '../../src/api.js';
it('qs', async () => {
  const r = await renderSpecFile('examples/quickstart.yaml');
  console.log(r.diagnostics.map(d => `${d.severity} ${d.code} ${d.message}`).join('\n'));
  console.log([...r.bundle!.keys()].filter(k => k.startsWith('vms/ratings/aws-prod')).join('\n'));
});
