/**
 * The validators the stand-in agents call over loopback. The container has no Node or Go, so
 * rather than re-implementing checks in shell (which would drift into the payload's own
 * assumptions), each stand-in POSTs the file it was given and the host judges it with the SAME
 * validators the unit tests use: `validateOtelConfig`, `checkSpireAgentConfig` on the output of
 * the real HCL v1 parser (`parseHcl`), and the upstream-derived istio checks.
 */
import jsYaml from 'js-yaml';
import { parseHcl } from '../../harness/go-harness.js';
import { validateOtelConfig } from '../../validators/otel-config.js';
import { checkSpireAgentConfig } from '../../validators/spire-agent-config.js';
import { isPlainObject } from '../../validators/upstream.js';
import { collectorView } from './collector-expansion.js';
import { checkClusterEnv, checkMeshConfig, compareSourcedEnv } from './istio-sidecar-checks.js';

/** What a validation returns to the stand-in: problems (empty: accepted) and the decoded file. */
export interface ValidationResponse {
  errors: string[];
  /** The decoded document (JSON), so the stand-in can act on its values as the real agent would. */
  decoded?: unknown;
}

/** The kinds of file the endpoint judges (the last path segment of POST /validate/<kind>). */
export type ValidationKind = 'otel-config' | 'spire-agent-config' | 'cluster-env' | 'mesh-config' | 'pilot-env';

/** Merges HCL v1 block lists into maps, so the stand-in reads `agent.data_dir` directly. */
function flattenHcl(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) return flattenHcl(Object.assign({}, ...value));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flattenHcl(v)]));
  return value;
}

/** Judges one file; never throws (a validator crash is reported as an error the stand-in fails on). */
export async function validateForStandin(kind: string, body: string): Promise<ValidationResponse> {
  try {
    switch (kind) {
      case 'otel-config': {
        // The collector decodes YAML into a generic map first; js-yaml's load is what the unit
        // tests use. The decoded view handed back is after the collector's $-expansion.
        const doc = jsYaml.load(body);
        return { errors: validateOtelConfig(doc), decoded: collectorView(doc) };
      }
      case 'spire-agent-config': {
        // SPIRE parses agent.conf with HCL v1 (which also reads JSON): use that very parser.
        let decoded: unknown;
        try {
          decoded = await parseHcl(body);
        } catch (e) {
          return { errors: [`HCL v1 cannot parse the agent config: ${(e as Error).message}`] };
        }
        return { errors: checkSpireAgentConfig(decoded), decoded: flattenHcl(decoded) };
      }
      case 'cluster-env': {
        const r = checkClusterEnv(body);
        return { errors: r.errors, decoded: r.values };
      }
      case 'mesh-config': {
        const r = checkMeshConfig(body);
        return { errors: r.errors, decoded: r.parsed };
      }
      case 'pilot-env': {
        // Body: { clusterEnv: <file text>, env: <pilot-agent's environment> }.
        const { clusterEnv, env } = JSON.parse(body) as { clusterEnv: string; env: Record<string, string> };
        return { errors: compareSourcedEnv(checkClusterEnv(clusterEnv).values, env) };
      }
      default:
        return { errors: [`unknown validation kind ${JSON.stringify(kind)}`] };
    }
  } catch (e) {
    return { errors: [`validator for ${kind} failed: ${(e as Error).message}`] };
  }
}
