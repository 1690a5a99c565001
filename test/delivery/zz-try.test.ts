import { it, expect } from 'vitest';
import { goldenModel } from '../helpers/golden-cases.js';
import { createSandbox } from './helpers/sandbox.js';
import { withSandboxArtifacts } from './helpers/artifacts.js';
import { firstVm } from './helpers/vm-inputs.js';
import { runPayload, createSdsSocket } from './helpers/run-payload.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
it('try', async () => {
  const sb = createSandbox();
  const m = withSandboxArtifacts(sb, await goldenModel('aws-cloudinit'));
  createSdsSocket(sb);
  const r = await runPayload(sb, firstVm(m));
  console.log(r.code, r.stdout.slice(-3000), r.stderr.slice(-2000));
  console.log(sb.calls().map(c => c.join(' ')).join('\n'));
  console.log(sb.read('/var/lib/vmonboard/status.json'));
});
