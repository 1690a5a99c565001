/**
 * Everything one e2e test file shares: the cached root filesystem, a test CA, the HTTPS
 * artifact mirror with the stand-in packages, the control server (validation endpoint, stand-in
 * events, metadata stubs), the east-west gateway listeners, the mesh identity (mesh PKI, SPIRE
 * server and istiod stand-ins behind the gateway) and an on-prem host PKI. Each test
 * then boots its own fresh clone with {@link E2eEnv.boot}; the harness guarantees every machine
 * is stopped and unmounted afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStandins, type StandinArtifact, type StandinVersions } from '../standins/build-standins.js';
import { ArtifactMirror } from './artifact-mirror.js';
import { Container } from './container.js';
import { ControlServer, ENDPOINT_FILE } from './control-server.js';
import { GatewayStub } from './gateway-stub.js';
import { requireE2eHost } from './host-tools.js';
import { acquireMachineLock } from './machine-lock.js';
import { E2E_TRUST_DOMAIN, startMeshIdentity, type MeshIdentity } from './mesh-identity.js';
import { writeNoCloudSeed } from './nocloud.js';
import { createOnpremPki, type OnpremPki } from './onprem-pki.js';
import { fixtureStandinVersions } from './render-fixture.js';
import { cloneRootfs, ensureRootfs, type RootfsClone } from './rootfs.js';
import { createTestCA, type TestCA } from './test-ca.js';

/**
 * The pins vmonboard uses (src/artifacts/catalog.ts) and the fixture's Istio. Kept for callers
 * that name a version (gloo.test.ts); startE2eEnv builds the fixture spec's versions
 * (fixtureStandinVersions) or those it is given (standinVersionsOf(a spec)), never these by default.
 */
export const DEFAULT_STANDIN_VERSIONS: StandinVersions = { istio: '1.27.1', otel: '0.159.0', spire: '1.15.3' };

/** What to seed for cloud-init. */
export interface SeedOptions {
  /** User data (NoCloud); omit to boot without user data. */
  userData?: string | Buffer;
  /** instance-id in meta-data (a fresh one per machine by default). */
  instanceId?: string;
}

/** How to boot one machine. */
export interface MachineOptions extends SeedOptions {
  /** Called with the tree's path after seeding and before booting (extra files, drop-ins). */
  beforeBoot?: (root: string) => void | Promise<void>;
  /** Wait until the container's systemd answers (default true); see BootOptions.waitUntilBooted. */
  waitUntilBooted?: boolean;
}

/** A booted clone: its container and its tree (readable from the host at `root`). */
export interface Machine {
  name: string;
  /** The tree as seen from the host. Do not follow absolute symlinks from here: they point into the host. */
  root: string;
  container: Container;
  clone: RootfsClone;
  /** Powers off (if running), re-seeds when asked, and boots the same tree again (a new instance when instanceId changes). */
  restart(opts?: SeedOptions & { waitUntilBooted?: boolean }): Promise<void>;
  /** Stops the container, removes the clone and releases the machine lock (idempotent). */
  dispose(): Promise<void>;
}

/** The shared environment of one test file. */
export interface E2eEnv {
  rootfsMs: number;
  rootfsBuilt: boolean;
  ca: TestCA;
  mirror: ArtifactMirror;
  control: ControlServer;
  gateway: GatewayStub;
  /** The mesh PKI and the SPIRE server and istiod stand-ins (real TLS, through the gateway's spire and istiod ports). */
  identity: MeshIdentity;
  /** Site CA and host certificate for the on-prem (x509pop) platform. */
  onprem: OnpremPki;
  artifacts: StandinArtifact[];
  workDir: string;
  boot(opts?: MachineOptions): Promise<Machine>;
  /** Stops every machine still running, the servers, and removes the work directory. */
  close(): Promise<void>;
}

let machineCounter = 0;

/** Sets up the shared environment (builds the root filesystem on first use: minutes, once per recipe). */
export async function startE2eEnv(versions: StandinVersions = fixtureStandinVersions(), trustDomain: string = E2E_TRUST_DOMAIN): Promise<E2eEnv> {
  requireE2eHost();
  const { rootfs, built, ms } = await ensureRootfs();
  const workDir = mkdtempSync(path.join(process.env.VMONBOARD_E2E_WORKDIR ?? tmpdir(), 'vmonboard-e2e-'));
  // Undo what was set up so far if a later step fails: no server or scratch directory may outlive a failed setup.
  const undo: Array<() => Promise<void> | void> = [() => rmSync(workDir, { recursive: true, force: true })];
  let ca: TestCA, artifacts: StandinArtifact[], mirror: ArtifactMirror, control: ControlServer, gateway: GatewayStub, identity: MeshIdentity, onprem: OnpremPki;
  try {
    mkdirSync(path.join(workDir, 'logs'), { recursive: true });
    ca = await createTestCA(path.join(workDir, 'ca'));
    artifacts = await buildStandins(path.join(workDir, 'standins'), versions);
    mirror = await ArtifactMirror.start(ca);
    undo.push(() => mirror.close());
    for (const a of artifacts) if (a.bootable !== false) mirror.put(a.mirrorPath, a.bytes);
    control = await ControlServer.start();
    undo.push(() => control.close());
    gateway = await GatewayStub.start();
    undo.push(() => gateway.close());
    identity = await startMeshIdentity(path.join(workDir, 'mesh-pki'), control.events, gateway, control.metadata, trustDomain);
    undo.push(() => identity.close());
    onprem = await createOnpremPki(path.join(workDir, 'onprem'), 'ratings-vm');
  } catch (err) {
    for (const u of undo.reverse()) await Promise.resolve(u()).catch(() => undefined);
    throw err;
  }
  const machines = new Set<Machine>();

  /** Files every booted tree gets from the harness (never from the payload under test). */
  const prepareTree = (root: string): void => {
    const endpoint = path.join(root, ENDPOINT_FILE);
    mkdirSync(path.dirname(endpoint), { recursive: true });
    writeFileSync(endpoint, `${control.url}\n`);
    // The bootstrap's TEST-ONLY metadata override must reach cloud-final's runcmd: systemd's
    // DefaultEnvironment is the environment of every unit, including cloud-final.service.
    const dropIn = path.join(root, 'etc/systemd/system.conf.d/90-vmonboard-e2e.conf');
    mkdirSync(path.dirname(dropIn), { recursive: true });
    writeFileSync(dropIn, `[Manager]\nDefaultEnvironment=VMONBOARD_TEST_METADATA_URL=${control.url}\n`);
  };

  const boot = async (opts: MachineOptions = {}): Promise<Machine> => {
    const lock = await acquireMachineLock();
    const name = `e2e-${process.pid}-${++machineCounter}`;
    let clone: RootfsClone;
    try {
      clone = await cloneRootfs(rootfs);
    } catch (err) {
      lock.release();
      throw err;
    }
    let container: Container | undefined;
    const start = async (waitUntilBooted?: boolean): Promise<void> => {
      container = await Container.boot({
        root: clone.root,
        name,
        logPath: path.join(workDir, 'logs', `${name}.nspawn.log`),
        mountpoint: clone.kind === 'overlay' ? clone.root : undefined,
        waitUntilBooted,
      });
    };
    const machine: Machine = {
      name,
      root: clone.root,
      clone,
      get container(): Container {
        if (!container) throw new Error(`${name} is not booted`);
        return container;
      },
      async restart(seed = {}) {
        if (container?.running) await container.poweroff();
        if (seed.userData !== undefined) writeNoCloudSeed(clone.root, { userData: seed.userData, instanceId: seed.instanceId ?? `iid-${name}-${Date.now()}` });
        await start(seed.waitUntilBooted);
      },
      async dispose() {
        if (!machines.delete(machine)) return;
        try {
          await container?.stop();
          await clone.dispose();
        } finally {
          lock.release();
        }
      },
    };
    machines.add(machine);
    try {
      prepareTree(clone.root);
      if (opts.userData !== undefined) writeNoCloudSeed(clone.root, { userData: opts.userData, instanceId: opts.instanceId ?? `iid-${name}` });
      await opts.beforeBoot?.(clone.root);
      await start(opts.waitUntilBooted);
    } catch (err) {
      await machine.dispose();
      throw err;
    }
    return machine;
  };

  return {
    rootfsMs: ms,
    rootfsBuilt: built,
    ca,
    mirror,
    control,
    gateway,
    identity,
    onprem,
    artifacts,
    workDir,
    boot,
    async close() {
      const errors: unknown[] = [];
      for (const m of [...machines]) await m.dispose().catch((e: unknown) => errors.push(e));
      await mirror.close().catch((e: unknown) => errors.push(e));
      await control.close().catch((e: unknown) => errors.push(e));
      await gateway.close().catch((e: unknown) => errors.push(e));
      await identity.close().catch((e: unknown) => errors.push(e));
      if (!process.env.VMONBOARD_E2E_KEEP) rmSync(workDir, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`e2e cleanup failed: ${errors.map(String).join('; ')}`);
    },
  };
}
