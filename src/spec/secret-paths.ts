/**
 * Where a file:// secret may live on the VM (issue 15 §7). At boot the payload makes the file
 * root-only (chown root:root, chmod 0600), so a path another user can create or swap lets that
 * user make root change a file of their choice: `/tmp/join-token -> /etc/passwd`. The payload
 * itself refuses symlinks, hard-linked files and parents not owned by root (secrets/common.sh.hbs);
 * validation names the problem earlier:
 * - refused: kernel and device trees (/proc, /sys, /dev) and system files, which are never a
 *   secret's home and whose ownership must not change;
 * - warned: shared or per-user trees (/tmp, /var/tmp, /dev/shm, /home), where the boot-time
 *   check will refuse the file unless every parent directory is root's.
 */

/** A verdict on a secret path: why it is refused or warned, or nothing. */
export type SecretPathVerdict = { level: 'error' | 'warning'; why: string } | undefined;

/** Shared or user-writable trees: the payload refuses them unless the parents are root-only. */
const SHARED = ['/tmp', '/var/tmp', '/dev/shm', '/home', '/run/user'];
/** Virtual file systems: nothing there is a secret file an operator placed. */
const VIRTUAL = ['/proc', '/sys', '/dev'];
/** System trees and files whose owner or mode a boot script must never change. */
const SYSTEM_TREES = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/usr', '/boot', '/etc/ssh', '/etc/sudoers.d', '/etc/pam.d', '/etc/systemd', '/etc/cron.d', '/etc/security', '/root/.ssh', '/var/lib/dpkg', '/var/lib/rpm'];
const SYSTEM_FILES = ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow', '/etc/sudoers', '/etc/hosts', '/etc/fstab', '/etc/crontab', '/etc/login.defs', '/etc/resolv.conf', '/etc/nsswitch.conf', '/etc/ld.so.preload', '/etc/ld.so.conf', '/etc/environment', '/etc/profile'];

const under = (path: string, tree: string): boolean => path === tree || path.startsWith(`${tree}/`);

/** Judges the absolute path of a file:// secret reference (already free of `..`). */
export function judgeSecretPath(path: string): SecretPathVerdict {
  const p = path.replace(/\/+/g, '/').replace(/\/$/, '');
  const shared = SHARED.find((t) => under(p, t));
  if (shared) {
    return {
      level: 'warning',
      why: `${path} is under ${shared}, where other users can create or replace files; the VM payload refuses a secret whose parent directories are not all owned by root, so keep it under a root-only directory such as /etc/vmonboard`,
    };
  }
  const virtual = VIRTUAL.find((t) => under(p, t));
  if (virtual) return { level: 'error', why: `${path} is under ${virtual}, a kernel or device tree, not a file an operator places; keep the secret under a root-only directory such as /etc/vmonboard` };
  if (SYSTEM_FILES.includes(p) || SYSTEM_TREES.some((t) => under(p, t)) || p === '' || p === '/etc' || p === '/root') {
    return { level: 'error', why: `${path} is a system file or directory; at boot the payload would make it root-only (chown root:root, chmod 0600), so point the reference at the secret's own file, for example /etc/vmonboard/join-token` };
  }
  return undefined;
}
