import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEARNING_SETTINGS,
  InvalidLearningSettingError,
  learnerConfigOf,
  resolveLearningSettings,
} from './learning-settings.js';

describe('learning settings', () => {
  it("defaults to the seed's SEC configuration", () => {
    expect(resolveLearningSettings()).toEqual(DEFAULT_LEARNING_SETTINGS);
    expect(DEFAULT_LEARNING_SETTINGS).toMatchObject({
      alpha: 0.1,
      temperature: 1,
      batchSize: 32,
      syncInterval: 50,
      groupSize: 4,
    });
  });

  it('overlays stored values and ignores unknown keys', () => {
    const settings = resolveLearningSettings({ batchSize: 8, syncInterval: null, retired: true });
    expect(settings).toEqual({ ...DEFAULT_LEARNING_SETTINGS, batchSize: 8, syncInterval: null });
    expect(learnerConfigOf(settings).syncInterval).toBe(Number.POSITIVE_INFINITY);
    expect(learnerConfigOf(resolveLearningSettings({ syncInterval: 3 })).syncInterval).toBe(3);
  });

  it('names the field core refuses', () => {
    expect(() => resolveLearningSettings({ groupSize: 0 })).toThrow(InvalidLearningSettingError);
    try {
      resolveLearningSettings({ successShare: 1 });
    } catch (error) {
      expect(error).toMatchObject({
        field: '/successShare',
        message: expect.stringMatching(/must be a number in \[0, 1\)/),
      });
    }
    expect(() => resolveLearningSettings({ autoApproveRisks: ['severe'] })).toThrow(/risk levels/);
  });

  it('hands out copies: changing one does not change the defaults', () => {
    const settings = resolveLearningSettings();
    settings.autoApproveRisks.push('high');
    expect(DEFAULT_LEARNING_SETTINGS.autoApproveRisks).toEqual(['low']);
  });
});
