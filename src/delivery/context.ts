/**
 * The template context of one VM's scripts (workload × platform): every value the shell templates
 * interpolate, computed here so the templates hold no logic beyond `if`/`each`. Pure: reads the
 * model, the agent files and the agent fetches only.
 */
import { posix } from 'node:path';
import type { Model, PlatformModel, WorkloadModel } from '../model/model.js';
import type { AgentFile } from '../vm/agent-file.js';
import type { AgentFetch } from '../vm/agent-fetches.js';
import { safeHeader } from '../vm/safe-header.js';
import { SPIRE_PATHS } from '../vm/paths.js';
import { ALWAYS_NO_PROXY, metadataFor } from '../platforms/facts.js';
import { osContext, selectPins, PACKAGE_UNIT, type OsContext, type PlatformPins } from './pins.js';
import { listSecretFetches, secretKinds, SECRET_STORE_CONSTANTS, type SecretFetch } from './secrets.js';
import { groupsToCreate, orderUnits, spireUnits, unitsOfAgent, unitsToEnable, usersToCreate } from './units.js';
import { listLongRunningUnits, type FetchedEntry, type PayloadFiles } from './vm-files.js';
import { HOSTS_SCRIPT_VM_PATH, SPIRE_INSTALL_DIR, VERIFY_VM_PATH } from './vm-paths.js';

/** Which script the context is for: the whole bootstrap, the first boot of a baked image, or bake.sh. */
export type BootstrapMode = 'full' | 'firstboot' | 'bake';

/** The metadata service as the templates use it (false on-prem). */
export type MetadataContext = false | { base: string; header: string; isAws: boolean; tokenPath: string; ttlHeader: string; identityPath: string };

/** Everything the shell templates read (see templates/bootstrap/). */
export interface BootstrapContext {
  header: string;
  title: string;
  payloadHash: string;
  mode: { full: boolean; firstboot: boolean; bake: boolean; downloads: boolean };
  /** The lock file is marked sample: the payload says so in its log (issue 15 §12). */
  samplePins: boolean;
  os: OsContext;
  arches: string[];
  pins: PlatformPins;
  packageNames: string[];
  packageUnits: Array<{ component: string; units: string[] }>;
  /** The units the OS packages bring (bake.sh disables them: there is no config yet). */
  packageUnitNames: string[];
  /** SPIRE agent: its units, install dir, the path its unit runs, and that path's relative link target. */
  spire: { units: string[]; installDir: string; bin: string; link: string };
  download: { proto: string; mirror: string; mirrorCA: boolean; mirrorCARel: string; mirrorCAUrl: string };
  proxy: { http: string; https: string; noProxy: string };
  metadata: MetadataContext;
  secrets: { list: SecretFetch[]; kinds: ReturnType<typeof secretKinds> };
  store: typeof SECRET_STORE_CONSTANTS;
  users: string[];
  groups: string[];
  /** True when some user or group must be created. */
  accounts: boolean;
  /** Files the script itself writes into the staged directory (here-documents or base64). */
  embedded: Array<{ rel: string; content: string }>;
  /** True when `embedded` is not empty (the staging functions are only generated then). */
  embed: boolean;
  /** Trust material downloaded at boot into the staged directory, then placed. */
  fetched: FetchedEntry[];
  /** Files the bootstrap places, in order. */
  placed: PayloadFiles['placed'];
  /** Collector files placed before the packages install (see PayloadFiles.preplaced). */
  preplaced: PayloadFiles['preplaced'];
  hostsMerge: PayloadFiles['hosts'];
  units: string[];
  /** Long-running units the bootstrap waits for after restarting them (oneshots excluded). */
  awaitUnits: string[];
  enable: string[];
  otelRpmEnable: boolean;
  firewallPorts: number[];
  paths: Record<'verify' | 'hostsScript', string>;
}

/** Where the staged mirror CA lives (relative to the staged directory); curl reads it there, it is never placed. */
const MIRROR_CA_REL = 'vmonboard/mirror-ca.pem';

function proxyContext(model: Model): BootstrapContext['proxy'] {
  const noProxy = [...new Set([...ALWAYS_NO_PROXY, ...model.artifacts.proxy.noProxy])].join(',');
  return { http: model.artifacts.proxy.http ?? '', https: model.artifacts.proxy.https ?? '', noProxy };
}

/** The metadata service of a platform kind as the templates use it. */
export function metadataContext(platform: PlatformModel): MetadataContext {
  const md = metadataFor(platform.kind);
  if (!md) return false;
  return {
    base: md.base,
    header: md.header,
    isAws: md.tokenPath !== undefined,
    tokenPath: md.tokenPath ?? '',
    ttlHeader: md.tokenTtlHeader ? `${md.tokenTtlHeader}: 300` : '',
    identityPath: md.identityPath,
  };
}

/** The generated-file header as the `comment` helper expects it (without `# `). */
export function headerText(model: Model): string {
  return safeHeader(model).replace(/^# /, '').trimEnd();
}

/** Units a package upgrade restarts: the package's own unit plus the units of its agent's files. */
function unitsForPackage(files: readonly AgentFile[], component: keyof typeof PACKAGE_UNIT): string[] {
  const own = PACKAGE_UNIT[component];
  return [...new Set([...(own ? [own] : []), ...unitsOfAgent(files, component === 'istio-sidecar' ? 'istio' : 'otel')])];
}

/**
 * Builds the context of one VM's script from its payload files. Every delivery's bootstrap embeds
 * the agent files and the payload's own helpers (bake.sh embeds none); `payloadHash` is filled in
 * by the caller (bootstrap.ts renders once to hash, then with the hash).
 */
export function buildContext(
  model: Model,
  workload: WorkloadModel,
  platform: PlatformModel,
  vm: PayloadFiles,
  fetches: readonly AgentFetch[],
  mode: BootstrapMode,
): BootstrapContext {
  const pins = selectPins(model, platform);
  const packageNames = pins.packages[0]?.packages.map((p) => p.component) ?? [];
  const downloads = mode !== 'firstboot';
  const ca = model.artifacts.mirrorCA;
  const embedded: Array<{ rel: string; content: string }> = [];
  if (mode !== 'bake') {
    embedded.push(...vm.agentStaged.map(({ rel, content }) => ({ rel, content })));
    embedded.push(...vm.ownStaged.map(({ rel, content }) => ({ rel, content })));
  }
  if (downloads && ca?.kind === 'inline') embedded.push({ rel: MIRROR_CA_REL, content: ca.content });
  const secrets = listSecretFetches(platform, fetches);
  return {
    header: headerText(model),
    title: mode === 'bake'
      ? `vmonboard bake.sh for workload ${workload.name} on platform ${platform.name}: installs the pinned packages into an image (no identity, no configuration).`
      : `vmonboard bootstrap for workload ${workload.name} (${workload.namespace}) on platform ${platform.name} (${platform.kind}, ${platform.delivery}${mode === 'firstboot' ? ', first boot of a baked image' : ''}).`,
    payloadHash: '',
    mode: { full: mode === 'full', firstboot: mode === 'firstboot', bake: mode === 'bake', downloads },
    samplePins: model.artifacts.samplePins,
    os: osContext(platform),
    arches: [...platform.targets.arch],
    pins,
    packageNames,
    packageUnits: packageNames.map((c) => ({ component: c, units: unitsForPackage(vm.all, c as keyof typeof PACKAGE_UNIT) })),
    packageUnitNames: packageNames.flatMap((c) => PACKAGE_UNIT[c] ?? []),
    spire: {
      units: spireUnits(vm.all),
      installDir: SPIRE_INSTALL_DIR,
      bin: SPIRE_PATHS.bin,
      // Relative, so the link also resolves under a test root prefix.
      link: posix.relative(posix.dirname(SPIRE_PATHS.bin), `${SPIRE_INSTALL_DIR}/bin/spire-agent`),
    },
    download: {
      proto: model.artifacts.allowInsecureHttpMirror ? '=http,https' : '=https',
      mirror: model.artifacts.mirror?.replace(/\/+$/, '') ?? '',
      mirrorCA: ca !== undefined,
      mirrorCARel: MIRROR_CA_REL,
      mirrorCAUrl: ca?.kind === 'url' ? ca.url : '',
    },
    proxy: proxyContext(model),
    metadata: metadataContext(platform),
    secrets: { list: secrets, kinds: secretKinds(secrets) },
    store: SECRET_STORE_CONSTANTS,
    users: usersToCreate(vm.all),
    groups: groupsToCreate(vm.all),
    accounts: usersToCreate(vm.all).length + groupsToCreate(vm.all).length > 0,
    embedded,
    embed: embedded.length > 0,
    fetched: vm.fetched,
    placed: vm.placed,
    preplaced: vm.preplaced,
    hostsMerge: vm.hosts,
    units: orderUnits(vm.all),
    awaitUnits: listLongRunningUnits(model, vm.all),
    enable: unitsToEnable(vm.all),
    otelRpmEnable: model.telemetry.enabled && platform.formats.includes('rpm'),
    firewallPorts: [...new Set(workload.ports.map((p) => p.number))].sort((a, b) => a - b),
    paths: { verify: VERIFY_VM_PATH, hostsScript: HOSTS_SCRIPT_VM_PATH },
  };
}
