import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';
import { SUITES, decodeClientHello, decodeServerHello } from '../../firmware/index.ts';
import { makeVector, vectorFile } from './vectors.ts';

describe('test vectors', () => {
  for (const suite of SUITES) {
    it(`${suite.id}: regenerates byte for byte`, () => {
      const stored = JSON.parse(readFileSync(vectorFile(suite), 'utf8'));
      expect(makeVector(suite)).toEqual(stored);
      // and the stored bytes decode with the suite they name
      expect(decodeClientHello(hexToBytes(stored.messages[0].hex)).msg.suite).toBe(suite);
      expect(decodeServerHello(hexToBytes(stored.messages[1].hex)).msg.suite).toBe(suite);
    });
  }
});
