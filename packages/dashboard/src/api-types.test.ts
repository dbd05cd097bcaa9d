import { CATEGORIES as API_CATEGORIES } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from './api-types.js';

describe('CATEGORIES', () => {
  it('mirrors the categories the API answers with, in its order', () => {
    // The dashboard reads the API only; this test keeps its copy of the list from drifting.
    expect(CATEGORIES).toEqual(API_CATEGORIES);
  });
});
