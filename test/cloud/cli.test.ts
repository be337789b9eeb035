import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, postgres, schemaFor, titled, withSchema } from '../store/services.ts';
import { keychain, provisionBody } from './harness.ts';

const pgsvc = await postgres();
const dir = mkdtempSync(join(tmpdir(), 'keytwin-cloud-cli-'));
const keysFile = join(dir, 'keys.json');
const schema = schemaFor('cloud_cli');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!pgsvc.skip) await dropSchema(pgsvc.url, schema);
});

// The key file decides the secrets here, not the caller's environment.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'KEYTWIN_JWT_SECRET'));
const keytwin = (...args: string[]) => spawnSync(process.execPath, ['cli/keytwin.mjs', ...args], { encoding: 'utf8', env });

describe('keytwin cloud token', () => {
  it('mints tokens from a key file it creates (0600), and names bad arguments', () => {
    const admin = keytwin('cloud', 'token', '--admin', '--keys', keysFile);
    expect(admin.status, admin.stderr).toBe(0);
    expect(admin.stdout.trim().split('.')).toHaveLength(3);
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    const payload = JSON.parse(Buffer.from(admin.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ role: 'admin', sub: 'admin', iss: 'keytwin-cloud' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    const bad = keytwin('cloud', 'token', '--user', 'bob', '--keys', keysFile);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/user token's sub must be the user's UUID, got 'bob'/);
    expect(keytwin('cloud', 'token', '--keys', keysFile).stderr).toMatch(/exactly one of --user <uuid> or --admin/);
    expect(keytwin('cloud', 'token', '--admin', '--ttl', '999999', '--keys', keysFile).stderr).toMatch(/--ttl must be an integer 1\.\.86400/);
  });
});

describe('keytwin cloud serve', () => {
  it('refuses to start when its database is unreachable, with the reason', () => {
    const r = keytwin('cloud', 'serve', '--store', 'postgres://postgres@127.0.0.1:1/test', '--keys', keysFile);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/keytwin cloud: the cloud service cannot reach its database postgres:\/\/postgres@127\.0\.0\.1:1\/test: .*ECONNREFUSED/);
  });

  it.skipIf(pgsvc.skip)(titled('serves the API; a token from `cloud token` is accepted; Ctrl-C stops it', pgsvc), async () => {
    const child = spawn(process.execPath, ['cli/keytwin.mjs', 'cloud', 'serve', '--store', withSchema(pgsvc.url, schema), '--port', '0', '--keys', keysFile], { env });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /keytwin cloud: (http:\/\/[\d.:]+)\/api\/v1/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    try {
      const user = randomUUID();
      const token = keytwin('cloud', 'token', '--user', user, '--keys', keysFile).stdout.trim();
      const res = await fetch(`${url}/api/v1/provision`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(provisionBody(keychain('cli'))) });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });
});
