/**
 * Checksums upstream projects publish beside their release artifacts, so `vmonboard pin` can
 * read a few bytes instead of downloading hundreds of megabytes. Each is fetched over HTTPS from
 * beside the artifact URL (so a mirror that copies the sibling files serves them too); when one
 * is missing or does not name the artifact, pin downloads the artifact and hashes it itself.
 * `pin --verify` always downloads.
 *
 * Sources:
 * - SPIRE: `spire-<v>-linux-<arch>-musl_sha256sum.txt` beside each tarball, written by
 *   `shasum -a 256 <basename>` (spiffe/spire .github/workflows/scripts/build_linux_artifacts.sh,
 *   uploaded with the tarballs by release_build.yaml; ../shared/reference/spire-otel.md §5).
 * - otelcol-contrib: the collector releases' goreleaser config sets `checksum: split: true`
 *   (open-telemetry/opentelemetry-collector-releases distributions/otelcol-contrib/.goreleaser.yaml;
 *   ../shared/reference/spire-otel.md §4.1), whose default file name is
 *   `{{ .ArtifactName }}.{{ .Algorithm }}` (goreleaser.com/customization/checksum): `<artifact>.sha256`.
 * - istio-sidecar: Istio's release builder writes `<artifact>.sha256` beside every deb, rpm and
 *   archive it publishes, as "<hex> <file>\n" with one space (istio/release-builder 1.27.1
 *   pkg/util/files.go CreateSha, called by pkg/build/debian.go runDeb for `deb/istio-sidecar.deb`
 *   and `istio-sidecar-<arch>.deb`, pkg/build/rpm.go for the rpm, pkg/build/archive.go for the
 *   tarballs). A mirror without the sibling answers 404, and pin falls back to the full download.
 */
import { basename } from 'node:path';
import type { ArtifactPin } from '../model/model.js';

/** Where a pin's published checksum would be. */
export interface ChecksumSource {
  url: string;
  /** The artifact's file name, as the checksum file names it. */
  file: string;
}

/** The published checksum file of an artifact, or undefined when its project publishes none. */
export function checksumSourceFor(pin: Pick<ArtifactPin, 'component' | 'version' | 'format' | 'arch' | 'url'>): ChecksumSource | undefined {
  let u: URL;
  try {
    u = new URL(pin.url);
  } catch {
    return undefined;
  }
  const file = decodeURIComponent(basename(u.pathname));
  const sibling = (name: string): string => new URL(name, u).href;
  if (pin.component === 'spire' && pin.format === 'tar.gz' && file.endsWith('-musl.tar.gz')) {
    return { url: sibling(`${file.slice(0, -'.tar.gz'.length)}_sha256sum.txt`), file };
  }
  if (pin.component === 'otelcol-contrib' || pin.component === 'istio-sidecar') return { url: sibling(`${file}.sha256`), file };
  return undefined;
}

/**
 * The sha256 a checksum file gives for `file`: a line `<hex>  <name>` (sha256sum/shasum, `*name`
 * for binary mode) whose name's base is `file`, or a file holding one bare hash. Undefined when
 * it names no such file.
 */
export function parseChecksumFile(text: string, file: string): string | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const l of lines) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(l);
    if (m && basename(m[2]!.trim()) === file) return m[1]!.toLowerCase();
  }
  if (lines.length === 1 && /^[0-9a-fA-F]{64}$/.test(lines[0]!)) return lines[0]!.toLowerCase();
  return undefined;
}
