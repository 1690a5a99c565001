/**
 * The pins one platform's payload carries: model.artifacts.pins holds every artifact the whole
 * spec needs, and a payload carries only those for its platform's package formats and arches
 * (one payload serves every OS and arch of its targets, which it detects at boot; issue 5).
 */
import type { Arch, ArtifactPin, Component, Model, PackageFormat, PlatformModel } from '../model/model.js';
import { OS_FORMAT } from '../artifacts/catalog.js';

/** One download of a payload: what, from where, and its sha256 ('' only when checksums are skipped). */
export interface PinRow {
  component: Component;
  url: string;
  sha256: string;
}

/** The OS packages to install for one package format and arch, in install order. */
export interface PackagePins {
  /** `<format>/<arch>`, the case label the bootstrap matches `$PKG/$ARCH` against. */
  key: string;
  format: PackageFormat;
  arch: Arch;
  packages: PinRow[];
}

/** Everything a platform's payload downloads. */
export interface PlatformPins {
  /** Per format × arch (only those the targets need). */
  packages: PackagePins[];
  /** The SPIRE release tarball per arch (spire-<ver>-linux-<arch>-musl.tar.gz; spire-otel.md §5). */
  spire: Array<PinRow & { arch: Arch }>;
}

/** Install order of the OS packages: the sidecar first, the collector last (its unit starts last). */
const PACKAGE_ORDER: Component[] = ['istio-sidecar', 'otelcol-contrib'];

function row(p: ArtifactPin): PinRow {
  return { component: p.component, url: p.url, sha256: p.sha256 ?? '' };
}

/**
 * The (package format, arch) pairs a platform's targets need, sorted by format then arch: the
 * per-OS list form of targets needs only the pairs its OSes run on (issue 16), so an rpm/arm64
 * sidecar is not asked for when no rpm OS runs on arm64.
 */
export function listFormatArches(platform: PlatformModel): Array<{ format: PackageFormat; arch: Arch }> {
  const keys = new Set(platform.pairs.map((p) => `${OS_FORMAT[p.os]}/${p.arch}`));
  return [...keys].sort().map((k) => {
    const [format, arch] = k.split('/') as [PackageFormat, Arch];
    return { format, arch };
  });
}

/**
 * True when the platform's (format, arch) pairs are fewer than every format on every arch: the
 * bootstrap must then refuse the combinations it carries no packages for (the OS and arch checks
 * alone would each pass).
 */
export function isPartialTargetMatrix(platform: PlatformModel): boolean {
  return listFormatArches(platform).length < platform.formats.length * platform.targets.arch.length;
}

/** The OS part of a script context, as detect.sh reads it. */
export interface OsContext {
  deb: boolean;
  rpm: boolean;
  /** The target OSes, space-separated (for the "unsupported OS" message). */
  targets: string;
  /** `<format>/<arch>` case labels the payload carries packages for; empty when every format runs on every arch. */
  combos: string[];
  /** The (OS/arch) pairs, space-separated (for the "unsupported combination" message). */
  pairs: string;
}

/** Builds the OS context of a platform's scripts. */
export function osContext(platform: PlatformModel): OsContext {
  return {
    deb: platform.formats.includes('deb'),
    rpm: platform.formats.includes('rpm'),
    targets: platform.targets.os.join(' '),
    combos: isPartialTargetMatrix(platform) ? listFormatArches(platform).map((x) => `${x.format}/${x.arch}`) : [],
    pairs: platform.pairs.map((x) => `${x.os}/${x.arch}`).join(' '),
  };
}

/**
 * Selects the pins of one platform (flavor istio). Throws when a needed pin is missing: the
 * validation stage reports that as LOCK_PIN_MISSING/ARTIFACT_URL_UNKNOWN first, so reaching it
 * here is a bug.
 */
export function selectPins(model: Model, platform: PlatformModel): PlatformPins {
  const find = (component: Component, format: ArtifactPin['format'], arch: Arch): ArtifactPin | undefined =>
    model.artifacts.pins.find((p) => p.component === component && p.format === format && p.arch === arch);
  const needed: Component[] = PACKAGE_ORDER.filter((c) => c !== 'otelcol-contrib' || model.telemetry.enabled);
  const packages: PackagePins[] = [];
  for (const { format, arch } of listFormatArches(platform)) {
    {
      const rows = needed.map((c) => {
        const pin = find(c, format, arch);
        if (!pin) throw new Error(`no pin for ${c} ${format}/${arch} (platform ${platform.name})`);
        return row(pin);
      });
      packages.push({ key: `${format}/${arch}`, format, arch, packages: rows });
    }
  }
  const spire = platform.targets.arch.map((arch) => {
    const pin = find('spire', 'tar.gz', arch);
    if (!pin) throw new Error(`no pin for spire tar.gz/${arch} (platform ${platform.name})`);
    return { ...row(pin), arch };
  });
  return { packages, spire };
}

/** The systemd unit each OS package brings (istio.service: mesh-onboarding.md §2.4; otelcol-contrib.service: spire-otel.md §4.1). */
export const PACKAGE_UNIT: Partial<Record<Component, string>> = {
  'istio-sidecar': 'istio.service',
  'otelcol-contrib': 'otelcol-contrib.service',
};

/**
 * System users the OS packages create themselves (istio-sidecar postinst creates istio-proxy,
 * mesh-onboarding.md §2.4; the otelcol-contrib preinstall creates otelcol-contrib, spire-otel.md
 * §4.1). Any other non-root owner of a config file is created by the bootstrap (SPIRE ships
 * only a tarball, no package and no user; spire-otel.md §5).
 */
export const PACKAGE_USERS: readonly string[] = ['root', 'istio-proxy', 'otelcol-contrib'];
