import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNER_CONFIG, resolveLearnerConfig } from './learner-config.js';

describe('resolveLearnerConfig', () => {
  it("fills the seed's defaults", () => {
    expect(resolveLearnerConfig()).toEqual(DEFAULT_LEARNER_CONFIG);
    expect(DEFAULT_LEARNER_CONFIG).toMatchObject({
      batchSize: 32,
      groupSize: 4,
      syncInterval: 50,
      confidence: 0.95,
      // What prevented the most failures in the simulated fleet (npm run bench -- curriculum-sim).
      curriculum: 'learnable-traffic',
    });
    expect(resolveLearnerConfig({ batchSize: 8, syncInterval: Number.POSITIVE_INFINITY })).toMatchObject({
      batchSize: 8,
      groupSize: 4,
      syncInterval: Number.POSITIVE_INFINITY,
    });
  });

  it('rejects bad values, naming the field', () => {
    expect(() => resolveLearnerConfig({ groupSize: 0 })).toThrow(/config\.groupSize must be an integer >= 1/);
    expect(() => resolveLearnerConfig({ batchSize: 2.5 })).toThrow(/config\.batchSize/);
    expect(() => resolveLearnerConfig({ successShare: 1 })).toThrow(/config\.successShare/);
    expect(() => resolveLearnerConfig({ confidence: 1 })).toThrow(/config\.confidence/);
    expect(() => resolveLearnerConfig({ learningRate: Number.NaN })).toThrow(/config\.learningRate/);
    expect(() => resolveLearnerConfig({ normalizeByStd: 'yes' as never })).toThrow(/config\.normalizeByStd/);
    expect(() => resolveLearnerConfig({ syncInterval: 0 })).toThrow(/config\.syncInterval/);
    expect(() => resolveLearnerConfig({ maxRegression: -0.1 })).toThrow(/config\.maxRegression/);
    expect(() => resolveLearnerConfig({ curriculum: 'bandit' as never })).toThrow(
      /config\.curriculum must be one of/,
    );
    expect(() => resolveLearnerConfig(null as never)).toThrow(/config must be an object/);
  });
});
