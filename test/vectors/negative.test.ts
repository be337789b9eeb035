import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CHECKS } from '../../firmware/index.ts';
import { makeNegative, NEGATIVE_FILE, NEGATIVE_FORMAT, type NegativeCase } from './negative.ts';
import { replayCase, type VectorContext } from './role-replay.ts';

type StoredContext = VectorContext & { cases: NegativeCase[] };
const stored = JSON.parse(readFileSync(NEGATIVE_FILE, 'utf8')) as { format: string; contexts: StoredContext[] };
const all = stored.contexts.flatMap((ctx) => ctx.cases.map((c) => ({ ctx, c })));
const protocolMd = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

describe('negative vectors (negative.json)', () => {
  it('replay from the stored file alone: each case gives its stored check and state on the real role', () => {
    for (const { ctx, c } of all) {
      const { check, stateAfter, plaintext, ...input } = c;
      const got = replayCase(ctx, input);
      expect({ id: c.id, ...got }).toEqual({ id: c.id, check, stateAfter, ...(plaintext === undefined ? {} : { plaintext }) });
    }
  });

  it('regenerate byte for byte (the generator also requires each outcome to be what docs/protocol.md predicts)', () => {
    expect(makeNegative()).toEqual(stored);
  });

  it('cover every check a received message can fail, for both roles, and every rejection leaves the role failed', () => {
    expect(stored.format).toBe(NEGATIVE_FORMAT);
    for (const ctx of stored.contexts) expect(new Set(ctx.cases.map((c) => c.id)).size, ctx.id).toBe(ctx.cases.length);
    for (const { c } of all) if (c.check !== null) expect(c.stateAfter, c.id).toBe('failed');
    for (const { c } of all) if (c.check === null) expect(c.stateAfter, c.id).not.toBe('failed');
    // Only the timeouts and use-after-close have no byte input; everything else is in the file.
    const noInput = new Set(['link.timeout', 'session.closed']);
    const seen = new Set(all.map(({ c }) => c.check));
    for (const code of CHECKS) if (!noInput.has(code)) expect(seen, code).toContain(code);
    for (const code of seen) if (code) expect(protocolMd, `check ${code} in docs/protocol.md`).toContain(`\`${code}\``);
    // every resting state of both roles is exercised
    const states = new Set(all.map(({ c }) => `${c.role}.${c.state}`));
    expect([...states].sort()).toEqual(['device.awaitHello', 'device.derived', 'device.established', 'phone.established', 'phone.finishedSent', 'phone.helloSent']);
  });

  it("the default context sends the full default offer: the spec's 1,171-byte ClientHello", () => {
    const ctx = stored.contexts.find((x) => x.id === 'default-offer')!;
    expect(ctx.offered).toHaveLength(3);
    expect(ctx.messages[0]!.hex.length / 2).toBe(1171);
  });
});
