/**
 * The Debian 12 root filesystem every e2e test boots: built once with debootstrap, cached
 * outside the checkout under a hash of its recipe, and handed to each test as a fresh
 * copy-on-write clone, so no test can see another's changes and the cache is never written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireHostTool } from './host-tools.js';
import { run, runOk } from './run.js';

/** Where built root filesystems live; outside the checkout so `git clean` and CI caches can treat it separately. */
export const CACHE_ROOT = process.env.VMONBOARD_E2E_CACHE ?? '/var/cache/vmonboard-e2e';

/**
 * Runs inside the new tree (as `$1`) after debootstrap. Part of the recipe: editing it changes
 * the cache key, so an old tree is never reused with new tweaks.
 */
const TWEAKS = String.raw`
set -euo pipefail
R="$1"
# Boot only from the NoCloud seed the harness writes. The container shares the host's network
# namespace, so cloud-init must never render or apply a network configuration.
cat > "$R/etc/cloud/cloud.cfg.d/90-vmonboard-e2e.cfg" <<'CFG'
datasource_list: [ NoCloud, None ]
network: {config: disabled}
CFG
# minbase has no locales package: without a system locale, cloud-init's locale module tries to
# generate en_US.UTF-8, fails, and marks the whole boot as errored.
printf 'LANG=C.UTF-8\n' > "$R/etc/default/locale"
# debootstrap copies the build host's hostname and hosts file; make both independent of the host.
printf 'e2e-vm\n' > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' > "$R/etc/hosts"
# Drop the downloaded .debs. The apt indexes stay: the payload runs apt-get update at boot, which
# then only revalidates them instead of downloading every index again.
rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/cache/apt/*.bin
`;

/** Everything that determines the tree's content; its hash is the cache key. */
export const ROOTFS_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  // python3-cffi-backend: debootstrap's resolver misses it and cloud-init then fails to configure.
  include: [
    'systemd',
    'systemd-sysv',
    'dbus',
    'cloud-init',
    'curl',
    'ca-certificates',
    'iproute2',
    'iptables',
    'python3-yaml',
    'python3-cffi-backend',
  ],
  tweaks: TWEAKS,
} as const;

/** The Debian mirror debootstrap uses; not part of the key, since any mirror serves the same suite. */
const DEBIAN_MIRROR = process.env.VMONBOARD_E2E_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/** Hex sha256 of the recipe: the cache directory name. */
export function recipeHash(): string {
  return createHash('sha256').update(JSON.stringify(ROOTFS_RECIPE)).digest('hex');
}

/**
 * Builds under `flock`: the lock is released by the kernel if the builder dies, and vitest
 * runs test files in several processes that may all ask for the tree at once. The tree is
 * built beside its final place and renamed in, so a reader never sees half a tree.
 */
const BUILD_SCRIPT = String.raw`
set -euo pipefail
dir="$1"; mirror="$2"; suite="$3"; variant="$4"; include="$5"; tweaks="$6"
[ -e "$dir/complete" ] && exit 0
# A builder killed earlier may have left a partial tree, possibly with proc/sys still mounted.
for old in "$dir".build.*; do
  [ -e "$old" ] || continue
  findmnt -rn -o TARGET | grep -F "$old/" | sort -r | xargs -r -d '\n' umount -l || true
  rm -rf --one-file-system "$old"
done
tmp="$dir.build.$$"
mkdir -p "$tmp"
debootstrap --variant="$variant" --include="$include" "$suite" "$tmp/rootfs" "$mirror"
bash -c "$tweaks" tweaks "$tmp/rootfs"
rm -rf --one-file-system "$dir"
touch "$tmp/complete"
mv "$tmp" "$dir"
`;

/** A built tree in the cache. */
export interface CachedRootfs {
  /** The tree itself; read-only by convention (tests boot clones). */
  rootfs: string;
  /** Whether this call built it (false: it was already cached). */
  built: boolean;
  /** Wall time of this call in milliseconds (build or lookup). */
  ms: number;
}

/**
 * Returns the cached root filesystem for the current recipe, building it first if needed
 * (about a minute and a half from the Debian mirror). Throws with the build log's tail on failure.
 */
export async function ensureRootfs(): Promise<CachedRootfs> {
  const started = Date.now();
  const dir = path.join(CACHE_ROOT, recipeHash());
  if (existsSync(path.join(dir, 'complete'))) return { rootfs: path.join(dir, 'rootfs'), built: false, ms: Date.now() - started };
  requireHostTool('debootstrap');
  requireHostTool('flock');
  mkdirSync(CACHE_ROOT, { recursive: true });
  // Not `${dir}.build.*`: the build script removes leftovers of killed builds by that pattern.
  const log = `${dir}.log`;
  const r = await run(
    'flock',
    [
      '-w', '1800', `${dir}.lock`,
      'bash', '-c', `exec >>"$0" 2>&1; ${BUILD_SCRIPT}`, log,
      dir, DEBIAN_MIRROR, ROOTFS_RECIPE.suite, ROOTFS_RECIPE.variant, ROOTFS_RECIPE.include.join(','), ROOTFS_RECIPE.tweaks,
    ],
    { timeoutMs: 1_800_000 },
  );
  if (r.code !== 0 || !existsSync(path.join(dir, 'complete'))) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : r.stderr;
    throw new Error(`building the e2e root filesystem failed (exit ${r.code}); log ${log}:\n${tail}`);
  }
  return { rootfs: path.join(dir, 'rootfs'), built: true, ms: Date.now() - started };
}

/** A private, writable copy of the cached tree for one test. */
export interface RootfsClone {
  /** The directory to boot (`systemd-nspawn -D`). */
  root: string;
  /** How it was made: an overlay mount (instant) or a full `cp -a` (when overlayfs is unavailable). */
  kind: 'overlay' | 'copy';
  /** Milliseconds it took to make. */
  ms: number;
  /** Unmounts and deletes the clone; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Makes a fresh writable clone of `lower`. Overlayfs costs nothing per boot (a `cp -a` of the
 * ~270 MB tree takes about 0.9 s with a warm page cache, several seconds cold) and never writes
 * to the cache; the copy is the fallback where overlay mounts are not allowed.
 */
export async function cloneRootfs(lower: string): Promise<RootfsClone> {
  const started = Date.now();
  const base = await mkdtemp(path.join(process.env.VMONBOARD_E2E_WORKDIR ?? tmpdir(), 'vmonboard-e2e-root-'));
  const merged = path.join(base, 'merged');
  await Promise.all(['upper', 'work', 'merged'].map((d) => mkdir(path.join(base, d))));
  const mounted = await run(requireHostTool('mount'), [
    '-t', 'overlay', 'overlay',
    '-o', `lowerdir=${lower},upperdir=${path.join(base, 'upper')},workdir=${path.join(base, 'work')}`,
    merged,
  ]);
  let kind: RootfsClone['kind'] = 'overlay';
  if (mounted.code !== 0) {
    kind = 'copy';
    await runOk('cp', ['-a', '--reflink=auto', `${lower}/.`, merged]);
  }
  let disposed = false;
  return {
    root: merged,
    kind,
    ms: Date.now() - started,
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (kind === 'overlay') {
        const u = await run(requireHostTool('umount'), [merged]);
        // Still busy (a process we could not kill): detach it rather than leave a mount behind.
        if (u.code !== 0) await run(requireHostTool('umount'), ['-l', merged]);
      }
      await rm(base, { recursive: true, force: true });
    },
  };
}
