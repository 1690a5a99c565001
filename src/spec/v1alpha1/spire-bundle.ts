/**
 * One root of trust: the SPIRE server's trust bundle is the mesh root. Under the spire chart's
 * `disk` UpstreamAuthority the server's bundle is the content of `bundle_file_path`, the mesh
 * root (cluster/spire.values.yaml; spiffe/spire v1.15.3 doc/plugin_server_upstreamauthority_disk.md
 * and pkg/server/plugin/upstreamauthority/disk/disk.go: `UpstreamX509Roots` = the bundle file).
 * So agents bootstrap from the mesh root when the spec names no other bundle, and a bundle the
 * spec does name must hold the mesh root, or every agent rejects the server ("x509: certificate
 * signed by unknown authority").
 */
import { X509Certificate } from 'node:crypto';
import { listPemCertificateBlocks } from '../../ca/pem-certificates.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TrustSource } from '../../model/model.js';

type Unlocated = Diagnostic & { atKey?: boolean };
/** The bootstrap bundle of the model. */
export type SpireBundle = TrustSource & { format: 'pem' | 'spiffe' };

/** DER of each parseable PEM certificate of `text` (unparseable blocks are reported elsewhere). */
function pemDers(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const b of listPemCertificateBlocks(text)) {
    try {
      out.push(new X509Certificate(b.pem).raw);
    } catch {
      // FILE_NOT_CERTIFICATE or the parser of the consumer reports a bad block.
    }
  }
  return out;
}

/** DER of the X.509 roots of a SPIFFE bundle (JWKS keys with use x509-svid carry x5c[0], SPIFFE Trust Domain and Bundle spec §4). */
function spiffeDers(text: string): Buffer[] {
  try {
    const j = JSON.parse(text) as { keys?: Array<{ use?: unknown; x5c?: unknown }> };
    return (j.keys ?? []).filter((k) => k.use === 'x509-svid' && Array.isArray(k.x5c) && typeof k.x5c[0] === 'string').map((k) => Buffer.from((k.x5c as string[])[0]!, 'base64'));
  } catch {
    return [];
  }
}

/** The bootstrap bundle: the spec's own, or the mesh root when it names none. */
export function resolveSpireBundle(meshRootCA: TrustSource, given: SpireBundle | undefined): SpireBundle {
  return given ?? { ...meshRootCA, format: 'pem' };
}

/** Reports a spec-named bundle file that lacks a mesh root certificate. */
export function checkBundleHasMeshRoot(meshRootCA: TrustSource, bundle: SpireBundle, out: Unlocated[]): void {
  if (meshRootCA.kind !== 'inline' || bundle.kind !== 'inline') return;
  const roots = pemDers(meshRootCA.content);
  const have = bundle.format === 'pem' ? pemDers(bundle.content) : spiffeDers(bundle.content);
  const missing = roots.filter((r) => !have.some((h) => h.equals(r)));
  if (roots.length === 0 || missing.length === 0) return;
  const names = missing.map((der) => new X509Certificate(der).subject.replace(/\n/g, ', '));
  out.push({
    severity: 'error',
    code: 'TRUST_BUNDLE_WITHOUT_MESH_ROOT',
    pointer: '/trust/spireBundle/file',
    message: `"${bundle.file}" does not contain the mesh root ${names.join('; ')} of "${meshRootCA.file}", but the SPIRE server's trust bundle is the mesh root (disk upstream authority), so agents bootstrapping from this file would reject the server; add the mesh root to it, or remove trust.spireBundle to bootstrap from the mesh root`,
    hint: 'during a root rotation the bundle holds both roots, old and new',
  });
}
