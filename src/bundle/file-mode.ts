/** File modes used in bundles: scripts 0755, configs 0644, anything sensitive 0600. */
export type FileMode = 0o755 | 0o644 | 0o600;
