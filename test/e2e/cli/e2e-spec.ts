/**
 * `npm run e2e:spec -- <spec> --workload <[namespace/]name> --platform <name> [--os debian-12]`: boots one
 * VM of any spec on the e2e root filesystem (harness/render-spec.ts says what is pointed at the
 * loopback services) and prints the harness's changes, one line per check, and a last line
 * `N passed, N failed`. Exit 0 only when every check passed; 2 for a usage error or a spec the
 * harness cannot boot. Needs what the e2e tests need (root, debootstrap, systemd-nspawn; docs/e2e.md).
 */
import { parseArgs } from 'node:util';
import { startE2eEnv, type E2eEnv } from '../harness/e2e-env.js';
import { diagnose } from '../harness/first-boot-checks.js';
import { CONTAINER_OS, loadSpecModel, renderSpecForVm, standinVersionsOf } from '../harness/render-spec.js';
import { bootSpecVm } from '../harness/spec-boot.js';
import type { TargetOs } from '../../../src/model/model.js';
import { WorkloadLookupError } from '../../../src/model/find-workload.js';
import { findPlacement } from '../harness/node-identity.js';

const USAGE = 'usage: npm run e2e:spec -- <spec.yaml> --workload <name> --platform <name> [--os debian-12]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { workload: { type: 'string' }, platform: { type: 'string' }, os: { type: 'string' } } });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [specPath, ...extra] = args.positionals;
  const { workload, platform } = args.values;
  if (!specPath || extra.length > 0 || !workload || !platform) {
    console.error(USAGE);
    return 2;
  }
  let env: E2eEnv | undefined;
  try {
    const model = await loadSpecModel(specPath);
    // Refuse an unknown VM before building anything (renderSpecForVm checks again). `--workload`
    // is `<namespace>/<name>` or a plain name one namespace has, as on vmonboard's CLI.
    findPlacement(model, workload, platform);
    // The run's mesh PKI and SPIRE server serve the spec's own trust domain.
    env = await startE2eEnv(standinVersionsOf(model), model.mesh.trustDomain);
    const sv = await renderSpecForVm(env, specPath, { workload, platform, os: (args.values.os ?? CONTAINER_OS) as TargetOs });
    console.log(`e2e:spec ${specPath}: ${workload} on ${platform} (${sv.delivery}, ${sv.platform.attestation.type}), stand-ins istio ${model.mesh.istioVersion}, spire ${model.spire.version}, otelcol-contrib ${model.telemetry.collectorVersion}`);
    for (const a of sv.adjustments) console.log(`note ${a}`);
    const boot = await bootSpecVm(env, sv);
    let passed = 0;
    let failed = 0;
    for (const c of boot.checks) {
      if (c.problems.length === 0) {
        passed += 1;
        console.log(`ok   ${c.name}`);
      } else {
        failed += 1;
        console.log(`FAIL ${c.name}: ${c.problems.join(' | ')}`);
      }
    }
    if (failed > 0) console.error(await diagnose(boot.machine.container, env));
    await boot.machine.dispose();
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } catch (e) {
    // A plain name two namespaces have is the CLI's usage error, with its stable code.
    const code = e instanceof WorkloadLookupError && e.code ? `error[${e.code}]: ` : '';
    console.error(`e2e:spec: ${code}${(e as Error).message}`);
    console.log('0 passed, 1 failed');
    return 2;
  } finally {
    await env?.close();
  }
}

process.exitCode = await main();
