/**
 * What the stand-in agents report while they run: each start, each check that failed, each
 * validated config and what they "would have done" (iptables). The stand-ins POST these to
 * the control server synchronously, so arrival order is the order things happened in the
 * container, and the tests judge start order and failures from them.
 */

/** Stand-in programs that report. */
export type StandinAgent = 'spire-agent' | 'pilot-agent' | 'istio-start' | 'envoy' | 'otelcol-contrib' | 'package' | 'spire-server' | 'istiod';

/** One report from a stand-in. */
export interface StandinEvent {
  /** Arrival order (0-based), the reliable clock. */
  seq: number;
  /** Host wall-clock time of arrival (ms since epoch). */
  at: number;
  agent: StandinAgent;
  /**
   * start: the process began; ready: it is serving (spire-agent: the SDS socket exists);
   * fail: a check failed, `detail.errors` says which; did: an action recorded instead of done
   * (e.g. iptables); validated: a config passed the upstream-based validator; stop: clean exit.
   */
  event: 'start' | 'ready' | 'fail' | 'did' | 'validated' | 'stop';
  pid?: number;
  /** User the process ran as (name). */
  user?: string;
  detail: Record<string, unknown>;
}

/** The event log of one test file's containers; tests call {@link StandinEvents.clear} between boots. */
export class StandinEvents {
  private readonly list: StandinEvent[] = [];
  private seq = 0;

  /** Appends a report (called by the control server). */
  record(e: Omit<StandinEvent, 'seq' | 'at'>): StandinEvent {
    const full = { ...e, seq: this.seq++, at: Date.now() };
    this.list.push(full);
    return full;
  }

  /** Every event so far, in arrival order. */
  all(): StandinEvent[] {
    return [...this.list];
  }

  /** Forgets every event (the sequence keeps counting, so order stays comparable). */
  clear(): void {
    this.list.length = 0;
  }

  /** Events of one agent, optionally one kind. */
  of(agent: StandinAgent, event?: StandinEvent['event']): StandinEvent[] {
    return this.list.filter((e) => e.agent === agent && (event === undefined || e.event === event));
  }

  /** Every failed check, formatted for an assertion message. */
  failures(): string[] {
    return this.list.filter((e) => e.event === 'fail').map((e) => `${e.agent} (pid ${e.pid ?? '?'}, user ${e.user ?? '?'}): ${JSON.stringify(e.detail)}`);
  }

  /** The first event matching, or undefined. */
  first(agent: StandinAgent, event: StandinEvent['event']): StandinEvent | undefined {
    return this.list.find((e) => e.agent === agent && e.event === event);
  }

  /** Waits until an event matching `pred` arrives (or `timeoutMs` passes); resolves with it or undefined. */
  async waitFor(pred: (e: StandinEvent) => boolean, timeoutMs: number): Promise<StandinEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.list.find(pred);
      if (hit || Date.now() > deadline) return hit;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** A compact transcript for failure messages. */
  transcript(): string {
    return this.list.map((e) => `#${e.seq} ${e.agent} ${e.event} ${e.user ?? ''} ${JSON.stringify(e.detail).slice(0, 300)}`).join('\n');
  }
}
