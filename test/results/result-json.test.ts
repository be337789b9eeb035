import { describe, expect, it } from 'vitest';
import { RESULT_SCHEMA_VERSION, resultFromJson, resultToJson } from '../../results/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

describe('result.json codec', () => {
  const run = fixtureRun();

  it('writes the schema version and reads back typed columns, NaN included', () => {
    const text = resultToJson(run);
    expect(JSON.parse(text).schemaVersion).toBe(RESULT_SCHEMA_VERSION);
    const back = resultFromJson(text);
    expect(back.devices.lifeDays).toBeInstanceOf(Float64Array);
    expect(back.devices.unlocks).toBeInstanceOf(Uint32Array);
    expect(Array.from(back.devices.depletedDay)).toEqual(Array.from(run.devices.depletedDay));
    expect(back.summary).toEqual(run.summary);
    expect('schemaVersion' in back).toBe(false);
  });

  it('takes a file written before the version field as version 1, and refuses it naming the version', () => {
    const { schemaVersion: _v, ...old } = JSON.parse(resultToJson(run)) as Record<string, unknown>;
    expect(() => resultFromJson(JSON.stringify(old), 'old.json')).toThrow(`old.json: result schema version 1, this keytwin reads version ${RESULT_SCHEMA_VERSION}`);
  });

  it('refuses another schema version, and a file that is not a result, naming the source', () => {
    const newer = { ...JSON.parse(resultToJson(run)), schemaVersion: RESULT_SCHEMA_VERSION + 1 };
    expect(() => resultFromJson(JSON.stringify(newer), 'out/x/result.json')).toThrow(`out/x/result.json: result schema version ${RESULT_SCHEMA_VERSION + 1}, this keytwin reads version ${RESULT_SCHEMA_VERSION}`);
    expect(() => resultFromJson('[1, 2]', 'a.json')).toThrow(/a\.json: expected a JSON object/);
    expect(() => resultFromJson('{}', 'b.json')).toThrow(/b\.json: missing field 'manifest'/);
  });
});
