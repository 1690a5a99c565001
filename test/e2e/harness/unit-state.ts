/**
 * systemd's own record of a unit, read inside the container: whether it is active, how often it
 * restarted, which invocation is running and when it (re)entered the active state. Tests use it
 * to prove "no unit restarted" (same InvocationID, same NRestarts) and start order.
 */
import type { Container } from './container.js';

/** The properties the scenarios compare. */
export interface UnitState {
  unit: string;
  activeState: string;
  subState: string;
  nRestarts: number;
  invocationId: string;
  /** CLOCK_MONOTONIC µs when the unit last entered the active state (0: never). */
  activeEnterUs: number;
  /** CLOCK_MONOTONIC µs when the unit last left the inactive state, i.e. began starting. */
  inactiveExitUs: number;
  /** CLOCK_MONOTONIC µs when the main process last started. */
  execMainStartUs: number;
}

const PROPS = ['ActiveState', 'SubState', 'NRestarts', 'InvocationID', 'ActiveEnterTimestampMonotonic', 'InactiveExitTimestampMonotonic', 'ExecMainStartTimestampMonotonic'];

/** Reads the state of each unit (one `systemctl show` per unit, so an unknown unit cannot shift the others). */
export async function readUnitStates(c: Container, units: string[]): Promise<Record<string, UnitState>> {
  const out: Record<string, UnitState> = {};
  for (const unit of units) {
    const r = await c.exec(['systemctl', 'show', unit, ...PROPS.map((p) => `--property=${p}`)]);
    const kv = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    out[unit] = {
      unit,
      activeState: kv.ActiveState ?? '',
      subState: kv.SubState ?? '',
      nRestarts: Number(kv.NRestarts ?? 0),
      invocationId: kv.InvocationID ?? '',
      activeEnterUs: Number(kv.ActiveEnterTimestampMonotonic ?? 0),
      inactiveExitUs: Number(kv.InactiveExitTimestampMonotonic ?? 0),
      execMainStartUs: Number(kv.ExecMainStartTimestampMonotonic ?? 0),
    };
  }
  return out;
}

/** Polls until every unit is active (or the deadline passes); returns the last states read. */
export async function waitForActive(c: Container, units: string[], timeoutMs: number): Promise<Record<string, UnitState>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await readUnitStates(c, units);
    if (units.every((u) => states[u]!.activeState === 'active') || Date.now() > deadline) return states;
    await new Promise((r) => setTimeout(r, 500));
  }
}
