/**
 * File-level API behind `vmonboard userdata` and `vmonboard aws launch-template`: render the spec,
 * pick the VM's payload, encode it for its platform. An over-budget payload is a located
 * finding (USERDATA_TOO_LARGE at the platform in the spec), like any other render failure.
 */
import { renderSpecFile } from '../api.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { ReadSpecOptions } from '../spec/read-spec.js';
import type { ValidationResult } from '../spec/validate-spec.js';
import { encodeUserData, UserDataError, type EncodedUserData, type UserDataEncoding } from './encode.js';
import { findVmPayload, type VmPayload } from './payload.js';

/** Which VM, and how to encode its user data. */
export interface UserDataOptions extends ReadSpecOptions {
  workload: string;
  platform: string;
  encoding?: UserDataEncoding;
  mime?: boolean;
}

/** The findings, and the user data when the spec renders and the payload fits. */
export interface UserDataResult extends Pick<ValidationResult, 'diagnostics' | 'sources'> {
  payload?: VmPayload;
  userData?: EncodedUserData;
}

/**
 * Renders the spec and returns one VM's encoded user data. Throws PayloadLookupError for an
 * unknown workload/platform/placement and UserDataError('unsupported') for an encoding the
 * platform cannot consume (both command-line mistakes); reports an over-budget payload as a
 * USERDATA_TOO_LARGE error.
 */
export async function renderUserData(specPath: string, opts: UserDataOptions): Promise<UserDataResult> {
  const { workload, platform, encoding, mime, ...readOpts } = opts;
  const r = await renderSpecFile(specPath, readOpts);
  if (!r.bundle || !r.model) return { diagnostics: r.diagnostics, sources: r.sources };
  const payload = findVmPayload(r.model, r.bundle, workload, platform);
  try {
    const userData = encodeUserData({
      payload: payload.content,
      payloadName: payload.fileName,
      target: `${workload} on ${platform}`,
      kind: payload.platform.kind,
      delivery: payload.platform.delivery,
      ...(encoding ? { encoding } : {}),
      ...(mime ? { mime } : {}),
    });
    return { diagnostics: r.diagnostics, sources: r.sources, payload, userData };
  } catch (err) {
    if (!(err instanceof UserDataError) || err.reason !== 'too-large') throw err;
    const d: Diagnostic & { atKey?: boolean } = { severity: 'error', code: 'USERDATA_TOO_LARGE', message: err.message, pointer: `${payload.platform.pointer}/delivery`, atKey: true };
    return { diagnostics: sortDiagnostics([...r.diagnostics, ...r.locate([d])]), sources: r.sources, payload };
  }
}
