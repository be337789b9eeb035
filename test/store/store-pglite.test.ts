import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type Store } from '../../store/index.ts';
import { storeContract } from './store-contract.ts';

// One in-memory PGlite per file: creating one costs 3–9 s.
describe('openStore(memory://) on PGlite', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore('memory://');
  });
  afterAll(async () => {
    await store?.close();
  });
  storeContract(() => store);
});
