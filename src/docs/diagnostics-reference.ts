/** Generates docs/diagnostics.md from the code catalog (a test keeps the committed file current). */
import { diagnosticCatalog } from '../diagnostics/codes.js';

/** Returns the Markdown reference of diagnostics, report formats and exit codes. */
export function renderDiagnosticsReference(): string {
  const rows = Object.entries(diagnosticCatalog).map(([code, info]) => `| \`${code}\` | ${info.severity} | ${info.stage} | ${info.summary.replace(/\|/g, '\\|')} |`);
  return `<!-- Generated from src/diagnostics/codes.ts by test/generated.test.ts (vitest -u); do not edit. -->
# Diagnostics

Every finding vmonboard reports (about a spec, its lock file, a referenced file or a render) is a
diagnostic. \`vmonboard validate\` and \`vmonboard render\` return **all** findings, not just the first.

A schema error does not hide the cross-field rules: they still run on the parts of the spec that are
well-formed, so one run reports a misspelled \`rhel9\` and a workload naming an undefined platform
together. Only a rule that reads a value which failed the schema is skipped (with all its findings);
the summary line then says which checks were skipped, and running again after the fix reports theirs.

## Fields

| field | meaning |
| --- | --- |
| \`severity\` | \`error\` (fails the command), \`warning\` (fails only with \`--strict\`) or \`info\` |
| \`code\` | a stable code from the table below; never renamed or reused, so scripts may match on it |
| \`message\` | lowercase, actionable: what is wrong and what to do |
| \`pointer\` | RFC 6901 JSON pointer into the file (\`/workloads/0/ports/1/number\`); \`""\` is the whole document |
| \`file\` | the file the pointer refers to: the spec, its lock file (\`<spec>.lock.yaml\`) or \`<stdin>\` |
| \`line\`, \`column\` | 1-based position. For a missing key, the nearest existing parent; for an unknown key, the key itself |
| \`hint\` | an optional suggestion; a misspelled key, enum value or platform name gets \`did you mean "…"?\` here |

## Formats

Text (default) goes to **stderr**, one block per finding with a caret under the position:

\`\`\`text
error[SCHEMA_UNKNOWN_KEY]: unknown key "namespce" in workloads[0]; remove it or check its spelling
  --> spec.yaml:42:5 (/workloads/0/namespce)
   |
42 |     namespce: bookinfo
   |     ^
\`\`\`

\`--format json\` writes to **stdout** (data only) an object \`{ "valid": boolean, "diagnostics": [...] }\`
where each diagnostic has exactly the fields above (\`null\` when absent). \`valid\` is false when any error,
or with \`--strict\` any warning, was found. When checks were skipped because their input failed the
schema, the object also has \`"skippedRules": [names]\`.

## Exit codes

| code | meaning |
| --- | --- |
| 0 | ok (warnings allowed unless \`--strict\`) |
| 1 | invalid spec, or a render that failed |
| 2 | usage error (unknown option, missing argument) |
| 3 | internal error (a bug: please report it) |
| 4 | \`render --check\`: the committed bundle is out of date |
| 5 | a remote service failed: network, proxy, artifact mirror or registry (\`pin\`), the AWS API or its credentials and permissions (\`aws launch-template\`). Retry later or fix the access; the spec is not at fault. Every command uses this code; only \`pin\` and \`aws launch-template\` talk to remote services today |

## Codes

| code | severity | stage | meaning and fix |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}
