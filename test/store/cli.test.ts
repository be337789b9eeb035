import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keytwinInProcess } from '../cli/in-process.helpers.ts';
import { openInflux, openStore, runPoints } from '../../store/index.ts';
import { makeRunResult } from './fixture.ts';
import { createDb, influxCount } from './influx-helpers.ts';
import { dropSchema, influx1, postgres, schemaFor, titled, withSchema } from './services.ts';

const [pgsvc, inf] = await Promise.all([postgres(), influx1()]);
const schema = schemaFor('store_cli');

const cli = keytwinInProcess;

describe.skipIf(pgsvc.skip)(titled('keytwin runs / store migrate', pgsvc), () => {
  const url = withSchema(pgsvc.url, schema);
  beforeAll(() => dropSchema(pgsvc.url, schema));
  afterAll(() => dropSchema(pgsvc.url, schema));

  it('migrates, lists stored runs as a table, deletes one', async () => {
    expect((await cli('store', 'migrate', '--store', url)).out).toMatch(/applied 001_registry, 002_runs/);
    const store = await openStore(url);
    await store.saveRun(makeRunResult({ runId: 'cli-run-a' }));
    await store.close();
    const listed = await cli('runs', '--store', url);
    expect(listed.code).toBe(0);
    const lines = listed.out.split('\n');
    expect(lines[0]).toMatch(/^run id\s+scenario\s+seed\s+devices\s+days/);
    expect(lines[2]).toMatch(/^cli-run-a\s+fixture-fleet\s+7\s+12\s+5\s+esp32s3-atecc608b\s+test-0000000\s+2026-11-28 10:00:00\s+1\.2 s$/);
    expect((await cli('runs', '--store', url, '--delete', 'cli-run-a')).code).toBe(0);
    expect((await cli('runs', '--store', url)).out).toMatch(/^no runs stored/);
    const bad = await cli('runs', '--store', 'postgres://postgres@127.0.0.1:59999/x');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot connect to Postgres at postgres:\/\/postgres@127\.0\.0\.1:59999\/x/);
  });
});

describe.skipIf(inf.skip)(titled('keytwin store replay', inf), () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keytwin-cli-'));
    await createDb(inf.url, 'keytwin_test');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends a spill file written while the server was unreachable to --influx, then removes it', async () => {
    const runId = `cli-replay-${process.pid}-${Date.now().toString(36)}`;
    const lines = [...runPoints(makeRunResult({ runId }))];
    const sink = openInflux({ url: 'http://127.0.0.1:59999', api: 'v1', db: 'keytwin_test', maxRetries: 1, minRetryDelayMs: 10, spillDir: dir });
    await sink.write(lines);
    const rep = await sink.close();
    expect(rep).toMatchObject({ written: 0, failed: lines.length });
    const res = await cli('store', 'replay', rep.spillFile!, '--influx', inf.url);
    expect(res.out).toContain(`${lines.length}/${lines.length} points written`);
    expect(res.code).toBe(0);
    expect(existsSync(rep.spillFile!)).toBe(false);
    expect(await influxCount(inf.url, 'keytwin_test', 'telemetry', 'success', runId)).toBe(lines.filter((l) => l.startsWith('telemetry,')).length);
  });
});
