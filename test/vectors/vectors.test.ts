import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';
import { SUITES, DEFAULT_SUITE, decodeClientHello, decodeDeviceRegistration, decodeServerHello, defaultOffer } from '../../firmware/index.ts';
import { ALL_SUITES_IN_OFFER_ORDER, makeVector, vectorFile } from './vectors.ts';

const stored = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('test vectors, single-suite registrations', () => {
  for (const suite of SUITES) {
    it(`${suite.id}: regenerates byte for byte`, () => {
      const v = stored(vectorFile(suite));
      expect(makeVector(suite)).toEqual(v);
      // and the stored bytes decode with the suite they name
      expect(decodeClientHello(hexToBytes(v.messages[0].hex)).msg.suite).toBe(suite);
      expect(decodeServerHello(hexToBytes(v.messages[1].hex)).msg.suite).toBe(suite);
    });
  }
});

describe('test vectors, every suite registered and the default offer sent', () => {
  for (const suite of SUITES) {
    it(`${suite.id}: regenerates byte for byte; the ClientHello carries the full default offer`, () => {
      const v = stored(vectorFile(suite, 'default-offer'));
      expect(makeVector(suite, 'default-offer')).toEqual(v);
      const reg = decodeDeviceRegistration(hexToBytes(v.provisioning.deviceRegistration)).msg;
      expect(reg.suites).toEqual(ALL_SUITES_IN_OFFER_ORDER);
      const ch = decodeClientHello(hexToBytes(v.messages[0].hex)).msg;
      // every suite of the default offer is registered, so none is dropped
      expect(ch.offered).toEqual(defaultOffer(suite));
      expect(ch.suite).toBe(suite);
      expect(v.offered).toEqual(defaultOffer(suite).map((s) => s.id));
    });
  }
  it("exercises the spec's 1,171-byte default ClientHello (3 offered suites) and 3,411-byte ServerHello", () => {
    const v = stored(vectorFile(DEFAULT_SUITE, 'default-offer'));
    expect(v.messages[0].length).toBe(1171);
    expect(v.offered).toHaveLength(3);
    expect(v.messages[1].length).toBe(3411);
    expect(stored(vectorFile(DEFAULT_SUITE)).messages[0].length).toBe(1163);
  });
});
