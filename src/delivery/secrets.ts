/**
 * Secret references a payload resolves at boot. The bundle and the user data only ever hold the
 * reference (architecture guide §4); the bootstrap fetches the value with the instance identity
 * into the 0600 file the SPIRE agent config names (listAgentFetches, src/vm/agent-fetches.ts),
 * and never prints it. A file:// reference is already on the host: the bootstrap checks that it
 * exists and makes it root-only, since the agent runs as root (src/vm/spire-units.ts).
 */
import type { PlatformModel, SecretRef } from '../model/model.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import {
  AWS_JSON_CONTENT_TYPE,
  AWS_REGION_PATH,
  AWS_ROLE_CREDENTIALS_PATH,
  AWS_SECRET_OPS,
  AZURE_KEYVAULT_API_VERSION,
  AZURE_KEYVAULT_TOKEN_PATH,
  GCP_SECRET_MANAGER_BASE,
  GCP_TOKEN_PATH,
} from '../platforms/secret-stores.js';

/** One secret the bootstrap resolves, with everything its fetcher needs (all strings: shell words). */
export type SecretFetch = {
  uri: string;
  dest: string;
  owner: string;
  group: string;
  mode: number;
  units: string[];
  isFile: boolean;
  isAws: boolean;
  isGcp: boolean;
  isAzure: boolean;
  /** AWS: signing name, X-Amz-Target, JSON body, response key, region ('' = the instance's own). */
  aws: { service: string; target: string; body: string; responseKey: string; region: string } | false;
  /** GCP and Azure: the store's HTTPS URL. */
  url: string;
};

/** The secret references of a platform's attestation. */
export function secretRefsOf(platform: PlatformModel): SecretRef[] {
  const a = platform.attestation;
  if (a.type === 'join_token') return [a.token];
  if (a.type === 'x509pop') return [a.privateKey];
  return [];
}

function describe(ref: SecretRef): Pick<SecretFetch, 'isFile' | 'isAws' | 'isGcp' | 'isAzure' | 'aws' | 'url'> {
  const none = { isFile: false, isAws: false, isGcp: false, isAzure: false, aws: false as const, url: '' };
  switch (ref.scheme) {
    case 'file':
      return { ...none, isFile: true };
    case 'aws-ssm':
    case 'aws-secretsmanager': {
      const op = AWS_SECRET_OPS[ref.scheme];
      const body = ref.scheme === 'aws-ssm' ? { [op.requestKey]: ref.name, WithDecryption: true } : { [op.requestKey]: ref.id };
      return { ...none, isAws: true, aws: { service: op.service, target: op.target, body: JSON.stringify(body), responseKey: op.responseKey, region: ref.region ?? '' } };
    }
    case 'gcp-secretmanager':
      return { ...none, isGcp: true, url: `${GCP_SECRET_MANAGER_BASE}/projects/${ref.project}/secrets/${ref.secret}/versions/${ref.version}:access` };
    case 'azure-keyvault':
      return { ...none, isAzure: true, url: `https://${ref.vault}.vault.azure.net/secrets/${ref.name}?api-version=${AZURE_KEYVAULT_API_VERSION}` };
  }
}

/**
 * The secrets of one VM: the store-held ones from the agent fetches (destination, owner and mode
 * as the agent config expects), and the platform's file:// ones, checked in place.
 */
export function listSecretFetches(platform: PlatformModel, fetches: readonly AgentFetch[]): SecretFetch[] {
  const out: SecretFetch[] = [];
  for (const ref of secretRefsOf(platform).filter((r) => r.scheme === 'file')) {
    out.push({ uri: ref.uri, dest: ref.scheme === 'file' ? ref.path : '', owner: 'root', group: 'root', mode: 0o600, units: [], ...describe(ref) });
  }
  for (const f of fetches) {
    if (f.source.kind !== 'secret') continue;
    out.push({ uri: f.source.ref.uri, dest: f.vmPath, owner: f.owner, group: f.group, mode: f.mode, units: [...f.restarts], ...describe(f.source.ref) });
  }
  return out;
}

/** Which fetcher code paths a list of secrets needs (the bootstrap carries only those). */
export function secretKinds(fetches: readonly SecretFetch[]): { file: boolean; aws: boolean; gcp: boolean; azure: boolean; cloud: boolean; any: boolean } {
  const aws = fetches.some((f) => f.isAws);
  const gcp = fetches.some((f) => f.isGcp);
  const azure = fetches.some((f) => f.isAzure);
  return { file: fetches.some((f) => f.isFile), aws, gcp, azure, cloud: aws || gcp || azure, any: fetches.length > 0 };
}

/** Constants the cloud fetchers use, exposed to the templates. */
export const SECRET_STORE_CONSTANTS = {
  awsContentType: AWS_JSON_CONTENT_TYPE,
  awsRolePath: AWS_ROLE_CREDENTIALS_PATH,
  awsRegionPath: AWS_REGION_PATH,
  gcpTokenPath: GCP_TOKEN_PATH,
  azureTokenPath: AZURE_KEYVAULT_TOKEN_PATH,
} as const;
