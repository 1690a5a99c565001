import { it } from 'vitest';
it('try', async () => { await import('/tmp/arch-try.ts'); });
