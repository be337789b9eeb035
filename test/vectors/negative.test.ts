import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeNegative, NEGATIVE_FILE } from './negative.ts';

describe('negative vectors', () => {
  it('regenerate byte for byte', () => {
    expect(makeNegative()).toEqual(JSON.parse(readFileSync(NEGATIVE_FILE, 'utf8')));
  });
  it('cover the default offer and each ClientHello rejection with a distinct expected check', () => {
    const v = makeNegative();
    expect(v.clientHello.length).toBe(1171);
    expect(v.clientHello.offered).toHaveLength(3);
    for (const c of v.clientHelloRejections) expect([c.check, c.stateAfter]).not.toContain('accepted');
    for (const c of v.clientHelloRejections) expect(c.stateAfter).toBe('failed');
    expect(v.records.map((r) => r.check)).toEqual(['replay.seq', 'accepted', 'seq.exhausted', 'replay.seq', 'aead.tag']);
  });
});
