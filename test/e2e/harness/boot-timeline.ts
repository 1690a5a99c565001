/**
 * The boot-time figure of issue 7: from the moment cloud-final.service began (the stage that
 * runs runcmd, i.e. the bootstrap) until the last of the three agent units entered the active
 * state, from systemd's monotonic timestamps inside the container.
 */
import type { Container } from './container.js';
import { readUnitStates } from './unit-state.js';

/** The three agent units of flavor istio, in start order. */
export const AGENT_UNITS = ['spire-agent.service', 'istio.service', 'otelcol-contrib.service'] as const;

/** The measured span and its parts (milliseconds). */
export interface BootTimeline {
  /** cloud-final start → all three units active. */
  cloudFinalToAgentsMs: number;
  /** cloud-final start → each unit's (last) activation. */
  perUnitMs: Record<string, number>;
  /** Container boot (systemd) start → cloud-final start. */
  bootToCloudFinalMs: number;
}

/** Reads the timeline once the three units are active; throws if any is not. */
export async function readBootTimeline(c: Container): Promise<BootTimeline> {
  const states = await readUnitStates(c, ['cloud-final.service', ...AGENT_UNITS]);
  const final = states['cloud-final.service']!;
  const perUnitMs: Record<string, number> = {};
  for (const u of AGENT_UNITS) {
    const s = states[u]!;
    if (s.activeState !== 'active' || s.activeEnterUs === 0) throw new Error(`${u} is ${s.activeState}; no boot time to report`);
    perUnitMs[u] = Math.round((s.activeEnterUs - final.inactiveExitUs) / 1000);
  }
  // The container's systemd starts at its own CLOCK_MONOTONIC reading in the host's clock (no time namespace).
  const userspace = await c.exec(['systemctl', 'show', '--property=UserspaceTimestampMonotonic']);
  const userspaceUs = Number(/=(\d+)/.exec(userspace.stdout)?.[1] ?? 0);
  return {
    cloudFinalToAgentsMs: Math.max(...Object.values(perUnitMs)),
    perUnitMs,
    bootToCloudFinalMs: Math.round((final.inactiveExitUs - userspaceUs) / 1000),
  };
}
