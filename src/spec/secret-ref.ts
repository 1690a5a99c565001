/**
 * Secret references: URIs that say where the VM fetches a secret at boot. Bundles and user data
 * never hold secret values (architecture guide §4), only these references.
 */
import type { SecretRef, PlatformKind } from '../model/model.js';

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]$/;

/** Parses a secret reference URI; returns an error sentence when it is malformed. */
export function parseSecretRef(uri: string): { ref: SecretRef } | { error: string } {
  // Control characters would end up in shell words and log lines; nothing legitimate has them.
  if (/[\u0000-\u001f\u007f]/.test(uri)) return { error: 'it contains control characters' };
  const m = /^([a-z0-9-]+):\/\/(.*)$/.exec(uri);
  if (!m) return { error: 'it is not a URI of the form <scheme>://...' };
  const scheme = m[1]!;
  const rest = m[2]!;
  const [body, query = ''] = rest.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const region = params.get('region') ?? undefined;
  if (region !== undefined && !AWS_REGION.test(region)) return { error: `region "${region}" is not an AWS region name` };
  switch (scheme) {
    case 'file':
      if (!body.startsWith('/') || query) return { error: 'file references are file:///absolute/path, with no query' };
      if (body.split('/').includes('..')) return { error: 'file references must not contain ..' };
      if (!/^\/[A-Za-z0-9._\/@+=,-]+$/.test(body)) return { error: 'the path may only contain letters, digits and ._/@+=,-' };
      return { ref: { scheme: 'file', uri, path: body } };
    case 'aws-ssm':
      if (!/^\/?[A-Za-z0-9_.\-/]{1,2048}$/.test(body)) return { error: 'the SSM parameter name may only contain letters, digits and _.-/' };
      return { ref: { scheme: 'aws-ssm', uri, name: body, ...(region ? { region } : {}) } };
    case 'aws-secretsmanager':
      if (!/^[A-Za-z0-9/_+=.@:-]{1,2048}$/.test(body)) return { error: 'the secret ID may only contain letters, digits and /_+=.@:-' };
      return { ref: { scheme: 'aws-secretsmanager', uri, id: body, ...(region ? { region } : {}) } };
    case 'gcp-secretmanager': {
      const g = /^projects\/([a-z][-a-z0-9]{4,28}[a-z0-9])\/secrets\/([A-Za-z0-9_-]{1,255})\/versions\/(latest|[0-9]+)$/.exec(body);
      if (!g || query) return { error: 'use gcp-secretmanager://projects/<project>/secrets/<secret>/versions/<version|latest>' };
      return { ref: { scheme: 'gcp-secretmanager', uri, project: g[1]!, secret: g[2]!, version: g[3]! } };
    }
    case 'azure-keyvault': {
      const a = /^([A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9])\/secrets\/([0-9A-Za-z-]{1,127})$/.exec(body);
      if (!a || query) return { error: 'use azure-keyvault://<vault>/secrets/<name>' };
      return { ref: { scheme: 'azure-keyvault', uri, vault: a[1]!, name: a[2]! } };
    }
    default:
      return { error: `unknown scheme "${scheme}"; use file, aws-ssm, aws-secretsmanager, gcp-secretmanager or azure-keyvault` };
  }
}

/**
 * Returns why a reference cannot be used on a platform kind, or undefined when it can: cloud
 * secret stores are read with the instance's own identity, so only VMs of that cloud can use them.
 */
export function secretRefNotAllowed(ref: SecretRef, kind: PlatformKind): string | undefined {
  const cloudOf: Record<SecretRef['scheme'], PlatformKind | undefined> = {
    file: undefined,
    'aws-ssm': 'aws',
    'aws-secretsmanager': 'aws',
    'gcp-secretmanager': 'gcp',
    'azure-keyvault': 'azure',
  };
  const cloud = cloudOf[ref.scheme];
  if (cloud && cloud !== kind) {
    return `${ref.scheme} is read with the ${cloud.toUpperCase()} instance identity, so a ${kind} platform cannot use it; use a file:// reference to a file on the host`;
  }
  return undefined;
}
