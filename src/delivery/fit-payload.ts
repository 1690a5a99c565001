/**
 * Fits a VM's first-boot payload to its platform's user-data limit before anything is written
 * (architecture guide §5, issue 15 §11). `render` and `vmonboard userdata` make the same decision
 * with the same code (encodeUserData): the payload goes into the bundle raw when it fits; gzipped
 * (EC2, Azure) or gzipped and base64'd (GCE user-data) when only that fits, and then the bundle
 * holds that compressed file, which is what the README says to attach; otherwise rendering fails
 * with USERDATA_TOO_LARGE, naming the sizes, the limit and what to do.
 *
 * Limits and who decompresses (../shared/reference/cloud-init.md): EC2 UserData 16,384 bytes raw,
 * before base64 (§1.1, docs.aws.amazon.com .../instancedata-add-user-data.html); Azure
 * osProfile.customData 65,535 decoded bytes (§1.3, learn.microsoft.com .../custom-data); GCE 262,144
 * bytes per metadata value (§1.2, Compute API Metadata.items[].value). cloud-init uncompresses
 * content "identified by its magic bytes" (doc/rtd/explanation/format/gzip.rst, §1.6); a GCE
 * startup-script is run as is by the guest agent and can never be compressed (§1.7).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { PlatformModel } from '../model/model.js';
import { encodeUserData, UserDataError } from '../userdata/encode.js';
import { budgetFor, formatBytes } from '../userdata/budget.js';
import { PAYLOAD_FILE, payloadFileName } from '../bundle/layout.js';
import { assumeLate } from '../translate/late-values.js';

/** The payload file as the bundle stores it, and the finding that explains it (if any). */
export interface FittedPayload {
  name: string;
  content: string | Uint8Array;
  diagnostics: Diagnostic[];
}

/**
 * Returns the bundle file of `payload` for `platform`: raw within the limit, compressed when only
 * that fits (an info finding says so), or raw with a USERDATA_TOO_LARGE error (the bundle is then
 * never written). `pointer` is the placement's (the VM's) pointer.
 */
export function fitPayload(payload: string, platform: PlatformModel, pointer: string, workload: string): FittedPayload {
  const raw = PAYLOAD_FILE[platform.delivery];
  const label = `${workload}/${platform.name}`;
  // The common case, without copying the text: raw bytes within the limit (or no limit at all)
  // are what encodeUserData would choose too.
  const budget = budgetFor(platform.kind, platform.delivery);
  // A late condition (translate/late-values.ts): a VM family's template assumes its payload fits
  // raw, and each VM of the family is checked against its own payload (one that does not fit is
  // rendered on its own, through the rest of this function).
  if (!budget || assumeLate([payload], ([p]) => Buffer.byteLength(p!, 'utf8') <= budget.limit)) return { name: raw, content: payload, diagnostics: [] };
  try {
    const fitted = encodeUserData({ payload: Buffer.from(payload, 'utf8'), payloadName: raw, target: `${workload} on ${platform.name}`, kind: platform.kind, delivery: platform.delivery });
    if (fitted.encoding === 'raw') return { name: raw, content: payload, diagnostics: [] };
    // Chosen automatically, the encoding is raw, gzip or gzip+base64 (encodeUserData), never base64 alone.
    if (fitted.encoding === 'base64') throw new Error('internal error: base64 chosen for a payload that does not fit');
    const name = payloadFileName(platform.delivery, fitted.encoding);
    const attach = fitted.encoding === 'gzip' ? 'which cloud-init decompresses' : 'which cloud-init decodes and decompresses when the metadata key user-data-encoding is base64';
    const message =
      `the ${label} payload is ${formatBytes(Buffer.byteLength(payload, 'utf8'))} raw, over the ${formatBytes(fitted.budget!.limit)} limit of ${fitted.budget!.field}, ` +
      `so the bundle holds it as ${name} (${formatBytes(fitted.counted)}), ${attach}: attach that file as the bundle README shows`;
    return { name, content: new Uint8Array(fitted.bytes), diagnostics: [{ severity: 'info', code: 'PAYLOAD_GZIP_REQUIRED', pointer, message }] };
  } catch (err) {
    if (!(err instanceof UserDataError) || err.reason !== 'too-large') throw err;
    return { name: raw, content: payload, diagnostics: [{ severity: 'error', code: 'USERDATA_TOO_LARGE', pointer, message: err.message }] };
  }
}
