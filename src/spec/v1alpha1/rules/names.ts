/** Uniqueness of names and numbers, and port ranges. */
import type { Rule } from './rule.js';
import { displayPath } from '../../../diagnostics/paths.js';
import { spireEntryKeyBase } from '../../../cluster/names.js';

function firstSeen<T>(items: T[], key: (t: T) => string, onDup: (index: number, first: number) => void): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const prev = seen.get(k);
    if (prev !== undefined) onDup(i, prev);
    else seen.set(k, i);
  });
}

/** Platform names, workload names (per namespace), SPIRE entry keys and port names/numbers are unique. */
export const uniqueNames: Rule = {
  name: 'unique-names',
  check({ spec, report }) {
    firstSeen(spec.platforms, (p) => p.name, (i, first) =>
      report('DUPLICATE_NAME', `/platforms/${i}/name`, `platform name "${spec.platforms[i]!.name}" is already used by platforms[${first}]; platform names must be unique`),
    );
    // A workload is named by (namespace, name), as in Kubernetes (issue 16): two teams' `api` in
    // `payments` and `search` are two workloads, under vms/<namespace>/<workload>/. The same name
    // twice in one namespace would be one WorkloadGroup, one ServiceAccount and one bundle directory.
    firstSeen(spec.workloads, (w) => JSON.stringify([w.namespace, w.name]), (i, first) => {
      const w = spec.workloads[i]!;
      report('DUPLICATE_NAME', `/workloads/${i}/name`, `workload "${w.name}" in namespace "${w.namespace}" is already defined by workloads[${first}]; a workload is named by its namespace and name, so rename one or move it to another namespace`);
    });
    // SPIRE entry keys join namespace, name and platform with '-' (spireEntryKeyBase), so two
    // workloads can meet there though their names differ; flavor gloo registers no SPIRE entries.
    if (spec.mesh.flavor !== 'gloo') {
      const keys = new Map<string, number>();
      const told = new Set<string>();
      spec.workloads.forEach((w, wi) =>
        w.platforms.forEach((p) => {
          const key = spireEntryKeyBase(w.namespace, w.name, p.name);
          const first = keys.get(key);
          if (first === undefined) return void keys.set(key, wi);
          const other = spec.workloads[first]!;
          // The same (namespace, name) twice is reported above; one finding per pair of workloads.
          if (first === wi || (other.namespace === w.namespace && other.name === w.name) || told.has(`${first} ${wi}`)) return;
          told.add(`${first} ${wi}`);
          report('DUPLICATE_NAME', `/workloads/${wi}/name`, `workload ${w.namespace}/${w.name} on platform "${p.name}" would register SPIRE entries named ${key}-*, as ${other.namespace}/${other.name} (workloads[${first}]) does there; rename one workload or namespace so "<namespace>-<name>-<platform>" differs`);
        }),
      );
    }
    spec.workloads.forEach((w, wi) => {
      const ports = w.ports ?? [];
      firstSeen(ports, (p) => p.name, (i, first) =>
        report('DUPLICATE_NAME', `/workloads/${wi}/ports/${i}/name`, `port name "${ports[i]!.name}" is already used by ${displayPath(`/workloads/${wi}/ports/${first}`)}; port names must be unique within a workload`),
      );
      firstSeen(ports, (p) => String(p.number), (i, first) =>
        report('DUPLICATE_PORT_NUMBER', `/workloads/${wi}/ports/${i}/number`, `port number ${ports[i]!.number} is already used by ${displayPath(`/workloads/${wi}/ports/${first}`)}; give each port its own number`),
      );
      firstSeen(w.platforms, (p) => p.name, (i) =>
        report('DUPLICATE_NAME', `/workloads/${wi}/platforms/${i}/name`, `platform "${w.platforms[i]!.name}" is listed twice for workload "${w.name}"; merge the entries`),
      );
    });
  },
};

/** Workload port numbers are valid TCP ports. */
export const portRanges: Rule = {
  name: 'port-ranges',
  check({ spec, report }) {
    spec.workloads.forEach((w, wi) =>
      (w.ports ?? []).forEach((p, pi) => {
        if (p.number < 1 || p.number > 65535) {
          report('PORT_OUT_OF_RANGE', `/workloads/${wi}/ports/${pi}/number`, `port number ${p.number} is out of range; use 1-65535`);
        }
      }),
    );
  },
};
