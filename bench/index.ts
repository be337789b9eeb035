/**
 * `npm run bench`: every benchmark, one after another, each in its own process so one bench's
 * heap and JIT state cannot colour the next. Each prints its figure next to the baseline it
 * measures in the same run. Pass names to run a subset: `npm run bench -- engine twin`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';

const all = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`# keytwin benchmarks on ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', `bench/${name}.bench.ts`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench ${name} exited with ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
