import { afterAll, beforeAll, describe } from 'vitest';
import { openStore, type Store } from '../../store/index.ts';
import { dropSchema, postgres, schemaFor, titled, withSchema } from './services.ts';
import { storeContract } from './store-contract.ts';

const pgsvc = await postgres();
const schema = schemaFor('store_postgres');

describe.skipIf(pgsvc.skip)(titled('openStore(postgres://) on the Postgres server', pgsvc), () => {
  let store: Store;
  beforeAll(async () => {
    await dropSchema(pgsvc.url, schema);
    store = await openStore(withSchema(pgsvc.url, schema));
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(pgsvc.url, schema);
  });
  storeContract(() => store);
});
