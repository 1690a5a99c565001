/**
 * Which artifacts a spec needs and where they come from by default. Only URL patterns with a
 * public source are listed (cited per entry); any other (component, format, arch) needs an
 * explicit URL in artifacts.components.<name>.urls, or validation fails with ARTIFACT_URL_UNKNOWN.
 */
import type { Arch, ArtifactFormat, Component, Flavor, PackageFormat, TargetOs } from '../model/model.js';

/** Default versions pinned by this release of vmonboard (see ../shared/reference/spire-otel.md §0). */
export const DEFAULT_VERSIONS = {
  spire: '1.15.3',
  'otelcol-contrib': '0.159.0',
  spireChart: '0.30.0',
  spireCrdsChart: '0.6.0',
} as const;

/** Package format used by each target OS. */
export const OS_FORMAT: Record<TargetOs, PackageFormat> = {
  'ubuntu-22.04': 'deb',
  'ubuntu-24.04': 'deb',
  'debian-12': 'deb',
  'rhel-9': 'rpm',
  'amazonlinux-2023': 'rpm',
};

type UrlPattern = (version: string) => string;

/**
 * Sourced upstream URLs. Keys are `<format>/<arch>`.
 * - istio-sidecar: istio.io "Virtual Machine Installation" (deb/rpm amd64) and the arm64 deb
 *   name published since istio/release-builder#1255 (../shared/reference/mesh-onboarding.md §2.3, §2.4).
 *   No public source names an arm64 rpm, so it has no default.
 * - spire: spiffe/spire .github/workflows/scripts/build_linux_artifacts.sh (spire-otel.md §5).
 * - otelcol-contrib: opentelemetry-collector-releases .goreleaser.yaml nfpms (spire-otel.md §4.1).
 * - gloo-workload-agent: Solo workshops, amd64 .deb only (gloo-vm-facts.md §1.5).
 * - The Solo istio-sidecar build and meshctl have no public production URL (gloo-vm-facts.md §1.5, §5).
 */
const UPSTREAM: Record<Flavor, Partial<Record<Component, Partial<Record<string, UrlPattern>>>>> = {
  istio: {
    'istio-sidecar': {
      'deb/amd64': (v) => `https://storage.googleapis.com/istio-release/releases/${v}/deb/istio-sidecar.deb`,
      'deb/arm64': (v) => `https://storage.googleapis.com/istio-release/releases/${v}/deb/istio-sidecar-arm64.deb`,
      'rpm/amd64': (v) => `https://storage.googleapis.com/istio-release/releases/${v}/rpm/istio-sidecar.rpm`,
    },
    spire: {
      'tar.gz/amd64': (v) => `https://github.com/spiffe/spire/releases/download/v${v}/spire-${v}-linux-amd64-musl.tar.gz`,
      'tar.gz/arm64': (v) => `https://github.com/spiffe/spire/releases/download/v${v}/spire-${v}-linux-arm64-musl.tar.gz`,
    },
    'otelcol-contrib': Object.fromEntries(
      (['deb', 'rpm'] as const).flatMap((f) =>
        (['amd64', 'arm64'] as const).map((a) => [
          `${f}/${a}`,
          (v: string) => `https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download/v${v}/otelcol-contrib_${v}_linux_${a}.${f}`,
        ]),
      ),
    ),
  },
  gloo: {
    'gloo-workload-agent': {
      'deb/amd64': (v) => `https://storage.googleapis.com/gloo-platform/vm/v${v}/gloo-workload-agent.deb`,
    },
  },
};

/** One (component, version, format, arch) the targets need. */
export interface ArtifactNeed {
  component: Component;
  version: string;
  format: ArtifactFormat;
  arch: Arch;
  /** Index of the first platform that needs it (for locating diagnostics). */
  platformIndex: number;
  /** The target OSes of that platform that need it on this arch (none for per-arch downloads). */
  oses: TargetOs[];
}

/** Lists the artifacts a set of platforms needs, sorted and without duplicates. */
export function listArtifactNeeds(input: {
  flavor: Flavor;
  telemetry: boolean;
  versions: { istio: string; spire: string; otel: string; gloo?: string };
  /** Each platform's (OS, arch) pairs: packages follow the pairs, not the cross product of OSes and arches. */
  platforms: Array<{ pairs: Array<{ os: TargetOs; arch: Arch }> }>;
}): ArtifactNeed[] {
  const needs = new Map<string, ArtifactNeed>();
  let platformIndex = 0;
  const add = (n: Omit<ArtifactNeed, 'platformIndex' | 'oses'>, os?: TargetOs): void => {
    const key = `${n.component}|${n.format}|${n.arch}`;
    const have = needs.get(key);
    if (!have) needs.set(key, { ...n, platformIndex, oses: os ? [os] : [] });
    else if (os && have.platformIndex === platformIndex && !have.oses.includes(os)) have.oses.push(os);
  };
  for (const [i, p] of input.platforms.entries()) {
    platformIndex = i;
    for (const { os, arch } of p.pairs) {
      const format: PackageFormat = OS_FORMAT[os];
      if (input.flavor === 'gloo') {
        const gv = input.versions.gloo ?? '0.0.0';
        add({ component: 'gloo-workload-agent', version: gv, format, arch }, os);
        add({ component: 'istio-sidecar', version: input.versions.istio, format, arch }, os);
        add({ component: 'meshctl', version: gv, format: 'bin', arch });
        continue;
      }
      add({ component: 'istio-sidecar', version: input.versions.istio, format, arch }, os);
      if (input.telemetry) add({ component: 'otelcol-contrib', version: input.versions.otel, format, arch }, os);
      add({ component: 'spire', version: input.versions.spire, format: 'tar.gz', arch });
    }
  }
  return [...needs.values()].sort(
    (a, b) => a.component.localeCompare(b.component) || a.format.localeCompare(b.format) || a.arch.localeCompare(b.arch),
  );
}

/**
 * Resolves the download URL of one artifact: an explicit override wins, then the mirror
 * (`<mirror>/<component>/<version>/<file name of the upstream URL>`), then the sourced upstream URL.
 * Returns undefined when no sourced URL exists.
 */
export function resolveArtifactUrl(
  need: Pick<ArtifactNeed, 'component' | 'version' | 'format' | 'arch'>,
  flavor: Flavor,
  opts: { mirror?: string; overrides?: Partial<Record<Component, Partial<Record<string, string>>>> },
): string | undefined {
  const key = `${need.format}/${need.arch}`;
  const override = opts.overrides?.[need.component]?.[key];
  if (override) return override;
  const pattern = UPSTREAM[flavor][need.component]?.[key];
  if (!pattern) return undefined;
  const upstream = pattern(need.version);
  if (opts.mirror) {
    const fileName = upstream.slice(upstream.lastIndexOf('/') + 1);
    return `${opts.mirror.replace(/\/+$/, '')}/${need.component}/${need.version}/${fileName}`;
  }
  return upstream;
}
