/**
 * Does the rendered spire.values.yaml attest every platform, and produce every selector the
 * alias entries match on? A missing allow-list is silent at runtime: labels or tags that are not
 * allow-listed never become selectors, so the alias never matches (gcp_iit: "labels and metadata
 * are not used by default"; azure_imds: allowed_vm_tags). Part of the consistency check.
 */
import type { Model, PlatformModel } from '../model/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { asStrings as strings, dig } from './values-access.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** The attestor settings one platform needs, checked against the spire-server values. */
function checkPlatform(model: Model, p: PlatformModel, server: unknown): string[] {
  const na = (k: string, ...rest: string[]): unknown => dig(server, 'nodeAttestor', k, ...rest);
  const placements = model.workloads.flatMap((w) => w.placements.filter((pl) => pl.platform === p.name));
  const a = p.attestation;
  const problems: string[] = [];
  switch (a.type) {
    case 'aws_iid':
      if (na('awsIID', 'enabled') !== true) problems.push('nodeAttestor.awsIID is not enabled');
      break;
    case 'gcp_iit': {
      if (na('gcpIIT', 'enabled') !== true) problems.push('nodeAttestor.gcpIIT is not enabled');
      const allow = strings(na('gcpIIT', 'projectIDAllowList'));
      for (const id of a.projectIds) if (!allow.includes(id)) problems.push(`project ${id} is not in nodeAttestor.gcpIIT.projectIDAllowList`);
      const keys = placements.flatMap((pl) => Object.keys(pl.selectors.gcp?.labels ?? {}));
      if (keys.length > 0 && na('gcpIIT', 'useInstanceMetadata') !== true) problems.push('label selectors need nodeAttestor.gcpIIT.useInstanceMetadata');
      for (const k of keys) if (!strings(na('gcpIIT', 'allowedLabelKeys')).includes(k)) problems.push(`label key ${k} is not in nodeAttestor.gcpIIT.allowedLabelKeys`);
      break;
    }
    case 'azure_imds': {
      const t = dig(server, 'unsupportedBuiltInPlugins', 'nodeAttestor', 'azure_imds', 'plugin_data', 'tenants', a.tenantDomain);
      if (t === undefined) {
        problems.push(`tenant ${a.tenantDomain} is not in unsupportedBuiltInPlugins.nodeAttestor.azure_imds`);
        break;
      }
      for (const s of a.subscriptions) if (!strings(dig(t, 'restrict_to_subscriptions')).includes(s)) problems.push(`subscription ${s} is not in restrict_to_subscriptions`);
      for (const k of placements.flatMap((pl) => Object.keys(pl.selectors.azure?.tags ?? {}))) if (!strings(dig(t, 'allowed_vm_tags')).includes(k)) problems.push(`tag ${k} is not in allowed_vm_tags of tenant ${a.tenantDomain}`);
      if (dig(t, 'secret_auth') !== undefined) problems.push('secret_auth would put an app secret into the server ConfigMap; use token_auth');
      break;
    }
    case 'x509pop':
      if (na('x509POP', 'enabled') !== true || na('x509POP', 'mode') !== 'externalPKI') problems.push('nodeAttestor.x509POP is not enabled in externalPKI mode');
      if (a.caBundle.kind === 'inline' && !String(na('x509POP', 'caBundle', 'bundle') ?? '').includes(a.caBundle.content.trim())) problems.push('its CA bundle is not in nodeAttestor.x509POP.caBundle.bundle');
      break;
    case 'join_token':
      if (na('joinToken', 'enabled') !== true) problems.push('nodeAttestor.joinToken is not enabled');
      break;
  }
  return problems;
}

/** Returns one finding per platform whose VMs the rendered SPIRE server would not attest or alias. */
export function checkAttestorCoverage(model: Model, spireValues: unknown): Unlocated[] {
  const server = dig(spireValues, 'spire-server');
  const out: Unlocated[] = [];
  for (const p of model.platforms) {
    const problems = checkPlatform(model, p, server);
    if (problems.length > 0) {
      out.push({ severity: 'error', code: 'CLUSTER_ATTESTOR_MISSING', pointer: p.pointer, message: `the SPIRE server would not attest platform "${p.name}" as its VMs need: ${problems.join('; ')} (spire.values.yaml)` });
    }
  }
  return out;
}
