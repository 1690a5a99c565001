/**
 * The boot-time figure of issue 7: from the start of cloud-final.service (the cloud-init stage
 * that runs the payload) until spire-agent, istio and otelcol-contrib are all active, measured
 * on real first boots of the rendered AWS payload in the e2e container, with the loopback mirror.
 * Runs inside vitest (the harness is TypeScript); bench/boot-time.mjs drives it.
 */
import { readBootTimeline, type BootTimeline } from '../test/e2e/harness/boot-timeline.js';
import { startE2eEnv } from '../test/e2e/harness/e2e-env.js';
import { checkFirstBoot } from '../test/e2e/harness/first-boot-checks.js';
import { renderE2eSpec } from '../test/e2e/harness/render-fixture.js';

/** The measured boots and their median. */
export interface BootTimeResult {
  /** cloud-final start → three units active, per boot (ms). */
  samples: number[];
  medianMs: number;
  /** Each boot's full timeline. */
  timelines: BootTimeline[];
  /** Time to get the cached root filesystem (a build when the cache was cold). */
  rootfsMs: number;
  rootfsBuilt: boolean;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Boots the rendered AWS payload `runs` times (each a fresh clone) and reads each boot's timeline. */
export async function measureBootTime(runs = 3): Promise<BootTimeResult> {
  const env = await startE2eEnv();
  try {
    const spec = await renderE2eSpec(env);
    const vm = spec.vm('ratings', 'aws-e2e');
    const timelines: BootTimeline[] = [];
    for (let i = 0; i < runs; i++) {
      const m = await env.boot({ userData: vm.file('user-data.yaml') });
      try {
        // Only a correct boot counts: the figure of a broken payload means nothing.
        const problems = await checkFirstBoot(m.container, env, spec.specPath, vm, { skipVerify: true });
        if (problems.length > 0) throw new Error(`boot ${i + 1} is not a correct first boot:\n${problems.join('\n')}`);
        timelines.push(await readBootTimeline(m.container));
      } finally {
        await m.dispose();
      }
    }
    const samples = timelines.map((t) => t.cloudFinalToAgentsMs);
    return { samples, medianMs: median(samples), timelines, rootfsMs: env.rootfsMs, rootfsBuilt: env.rootfsBuilt };
  } finally {
    await env.close();
  }
}
