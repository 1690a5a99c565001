// Vitest entry for the boot-time bench (bench/boot-time.mjs runs it with bench/boot-time.vitest.config.ts):
// measures, then writes the result as JSON to $VMONBOARD_BOOT_TIME_OUT.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { measureBootTime } from './boot-time.js';

it('measures the first-boot time', async () => {
  const out = process.env.VMONBOARD_BOOT_TIME_OUT;
  expect(out, 'VMONBOARD_BOOT_TIME_OUT must name the result file').toBeTruthy();
  const result = await measureBootTime(Number(process.env.VMONBOARD_BOOT_TIME_RUNS ?? 3));
  writeFileSync(out!, JSON.stringify(result, null, 2));
}, 1_800_000);
