import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from 'graphql';
import { PUBLISHED_SCHEMA_PATH, printPublishedSchema } from '../graphql/print-schema.ts';
import { buildSchema } from '../graphql/schema/index.ts';
import { TYPE_DEFS_MODULE_PATH, typeDefsModule } from '../graphql/write-type-defs.ts';

/** Every type, field, argument and enum value of the schema that has no description. */
function undescribed(): string[] {
  const missing: string[] = [];
  for (const type of Object.values(buildSchema().getTypeMap())) {
    if (type.name.startsWith('__') || (!isEnumType(type) && !isObjectType(type) && isSpecifiedScalarType(type as never))) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('the published schema (graphql/schema.graphql)', () => {
  it('is exactly the schema the server serves (run npm run schema:print after changing the SDL)', () => {
    assert.equal(readFileSync(PUBLISHED_SCHEMA_PATH, 'utf8'), printPublishedSchema());
  });

  it('describes every type, field, argument and enum value', () => {
    assert.deepEqual(undescribed(), []);
  });
});

describe('the SDL the server is built with (graphql/generated/type-defs.ts)', () => {
  it('is graphql/schema/*/schema.graphql as the files are now (run npm run generate after changing the SDL)', async () => {
    assert.equal(readFileSync(TYPE_DEFS_MODULE_PATH, 'utf8'), await typeDefsModule());
  });
});
