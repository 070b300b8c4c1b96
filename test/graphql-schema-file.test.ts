import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PUBLISHED_SCHEMA_PATH, printPublishedSchema } from '../graphql/print-schema.ts';

describe('the published schema (graphql/schema.graphql)', () => {
  it('is exactly the schema the server serves (run npm run schema:print after changing the SDL)', () => {
    assert.equal(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8'), printPublishedSchema());
  });
});
