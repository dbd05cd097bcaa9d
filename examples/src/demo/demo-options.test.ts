import { CURRICULA, DEFAULT_LEARNER_CONFIG } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_SEED, DemoOptionError, resolveDemoOptions } from './demo-options.js';

describe('resolveDemoOptions', () => {
  it("keeps each of core's curricula as asked, the product default otherwise", () => {
    expect(resolveDemoOptions().curriculum).toBe(DEFAULT_LEARNER_CONFIG.curriculum);
    for (const curriculum of CURRICULA)
      expect(resolveDemoOptions({ curriculum }).curriculum).toBe(curriculum);
    expect(() => resolveDemoOptions({ curriculum: 'bogus' as never })).toThrow(/--curriculum/);
  });

  it('scores the held-out set after each step only when asked to', () => {
    expect(resolveDemoOptions().evaluateEachStep).toBe(false);
    expect(resolveDemoOptions({ evaluateEachStep: true }).evaluateEachStep).toBe(true);
    const bad = () => resolveDemoOptions({ evaluateEachStep: 'yes' as never });
    expect(bad).toThrow(DemoOptionError);
    expect(bad).toThrow(/^evaluateEachStep must be true or false$/);
  });
});

describe('resolveDemoOptions and the database', () => {
  it('goes on with an existing database only when asked to, and --resume needs --db', () => {
    expect(resolveDemoOptions({ db: 'x.db' }).resume).toBe(false);
    expect(resolveDemoOptions({ db: 'x.db', resume: true }).resume).toBe(true);
    expect(() => resolveDemoOptions({ resume: true })).toThrow(
      '--resume needs --db: the database to go on with',
    );
  });

  it('refuses a postgres:// --db, whose existing Arc state it could not see to refuse without --resume', () => {
    for (const db of ['postgres://arc:secret@db:5432/arc', 'postgresql://db/arc']) {
      expect(() => resolveDemoOptions({ db })).toThrow(DemoOptionError);
      expect(() => resolveDemoOptions({ db })).toThrow(/^--db must be a SQLite file/);
      expect(() => resolveDemoOptions({ db })).not.toThrow(/secret/);
    }
    expect(() => resolveDemoOptions({ db: 'mysql://db/arc' })).toThrow(/^--db .*unknown scheme mysql/);
    expect(resolveDemoOptions({ db: 'C://arc/x.db' }).db).toBe('C://arc/x.db');
  });

  it('uses a seed not used to design the demo unless told', () => {
    expect(resolveDemoOptions().seed).toBe(DEFAULT_DEMO_SEED);
    expect([1, 2, 3, 101]).not.toContain(DEFAULT_DEMO_SEED);
    expect(resolveDemoOptions({ seed: 2 }).seed).toBe(2);
  });
});
