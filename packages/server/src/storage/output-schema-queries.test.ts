// Declared output schemas on both backends: the latest per function, kept apart per project,
// with the time a schema was first declared (a repeat of the same schema keeps it), and only for
// functions the project has.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from './prepared-event.fixture.js';
import type { Storage } from './storage.js';
import { openTestStorages } from './test-databases.js';

const envelope = {
  type: 'object',
  properties: { name: { type: 'string' }, arguments: { type: 'object' } },
  required: ['name', 'arguments'],
  additionalProperties: false,
};
const amount = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] };

describe.each(openTestStorages())('declared output schemas on $name', (backend) => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await backend.open();
  });
  afterAll(() => backend.cleanup());
  const withFunctions = async (project: string, functions: string[]) => {
    const options = { failureReservoirSize: 5, successReservoirSize: 5, random: () => 0.5 };
    await storage.ingest(
      project,
      functions.map((fn) => success(fn)),
      options,
    );
  };

  it('stores the latest schema per function and project', async () => {
    const project = (await storage.ensureProject('schemas-a')).id;
    const other = (await storage.ensureProject('schemas-b')).id;
    await withFunctions(project, ['pay', 'bfcl_answer']);
    await withFunctions(other, ['pay']);
    expect(await storage.listOutputSchemas(project)).toEqual([]);
    await storage.saveOutputSchemas(project, [], 10);
    expect(await storage.listOutputSchemas(project)).toEqual([]);

    await storage.saveOutputSchemas(
      project,
      [
        { function: 'pay', schema: { type: 'string' } },
        { function: 'bfcl_answer', schema: envelope },
        { function: 'pay', schema: amount },
      ],
      100,
    );
    await storage.saveOutputSchemas(other, [{ function: 'pay', schema: { type: 'null' } }], 150);
    expect(await storage.listOutputSchemas(project)).toEqual([
      { function: 'bfcl_answer', schema: envelope, declaredAt: 100 },
      { function: 'pay', schema: amount, declaredAt: 100 },
    ]);
    expect(await storage.listOutputSchemas(other)).toEqual([
      { function: 'pay', schema: { type: 'null' }, declaredAt: 150 },
    ]);
    // Only the functions asked for (the learner's and a page's), none for none.
    expect(await storage.listOutputSchemas(project, ['pay', 'unknown'])).toEqual([
      { function: 'pay', schema: amount, declaredAt: 100 },
    ]);
    expect(await storage.listOutputSchemas(project, [])).toEqual([]);

    // The same schema again (keys in another order) keeps its time; a different one replaces it.
    const reordered = Object.fromEntries(Object.entries(envelope).reverse());
    await storage.saveOutputSchemas(
      project,
      [
        { function: 'bfcl_answer', schema: reordered },
        { function: 'pay', schema: { ...amount, required: [] } },
      ],
      200,
    );
    expect(await storage.listOutputSchemas(project)).toEqual([
      { function: 'bfcl_answer', schema: envelope, declaredAt: 100 },
      { function: 'pay', schema: { ...amount, required: [] }, declaredAt: 200 },
    ]);
  });

  it('is seen by another instance on the same database', async () => {
    const project = (await storage.ensureProject('schemas-c')).id;
    const text = { type: 'string', description: 'quotes " and unicode é\u2028', maxLength: 1.5e3 };
    await withFunctions(project, ['f']);
    await storage.saveOutputSchemas(project, [{ function: 'f', schema: text }], 5);
    const replica = await backend.open();
    expect(await replica.listOutputSchemas(project)).toEqual([
      { function: 'f', schema: text, declaredAt: 5 },
    ]);
  });

  // The function cap's bound on this table: a function past it is never stored, nor its schema.
  it('stores nothing for a function the project does not have, or for a project that does not exist', async () => {
    const project = (await storage.ensureProject('schemas-d')).id;
    await withFunctions(project, ['kept']);
    await storage.saveOutputSchemas(
      project,
      [
        { function: 'kept', schema: amount },
        { function: 'never-stored', schema: amount },
      ],
      1,
    );
    expect(await storage.listOutputSchemas(project)).toEqual([
      { function: 'kept', schema: amount, declaredAt: 1 },
    ]);
    await storage.saveOutputSchemas('no-such-project', [{ function: 'f', schema: amount }], 1);
    expect(await storage.listOutputSchemas('no-such-project')).toEqual([]);
  });
});
