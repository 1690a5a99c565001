import fs from 'node:fs';
import jsYaml from 'js-yaml';
import { it } from 'vitest';
import { validateOtelConfig } from './otel-config.js';
import { listUnresolvedRefs } from './otel-schema.js';
import { readUpstream } from './upstream.js';
it('scratch', () => {
  console.log(validateOtelConfig(jsYaml.load(fs.readFileSync('test/fixtures/validators/otel/host-metrics.yaml', 'utf8'))));
  console.log(validateOtelConfig(jsYaml.load(readUpstream('opentelemetry-collector-releases/distributions/otelcol-contrib/config.yaml'))));
  console.log(listUnresolvedRefs());
});
