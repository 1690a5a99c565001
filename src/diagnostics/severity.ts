/**
 * How bad a finding is. Its own module because both the code catalog (codes.ts, each code's
 * severity) and the diagnostic shape (diagnostic.ts, each finding's severity) name it: kept in
 * diagnostic.ts, it made the catalog and the diagnostic import each other.
 */

/** How bad a finding is. Errors fail the command; warnings fail it only under --strict. */
export type Severity = 'error' | 'warning' | 'info';
