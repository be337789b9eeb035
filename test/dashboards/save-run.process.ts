/**
 * Run as its own process (`tsx save-run.process.ts <store dir> <run id> [scenario]`): saves a
 * fixture run into an embedded store and exits. The dashboard tests use it because the bug it
 * guards is between processes: a PGlite opened in the dashboard did not see another process's writes.
 */
import { openStore } from '../../store/index.ts';
import { fixtureRun } from '../reports/run-fixture.helpers.ts';

const [dir, runId] = process.argv.slice(2);
if (!dir || !runId) throw new Error('usage: save-run.process.ts <store dir> <run id>');
const store = await openStore(dir);
try {
  await store.saveRun(fixtureRun({ runId }));
} finally {
  await store.close();
}
