import { describe, expect, it } from 'vitest';
import { ApiError, errorText } from './api-error.js';

describe('errorText', () => {
  it('names the kind of problem and repeats what the server said, fields included', () => {
    expect(errorText(new ApiError(0, 'connection refused'))).toBe(
      'Cannot reach the Arc server: connection refused',
    );
    expect(errorText(new ApiError(403, 'This key lacks the `admin` scope'))).toBe(
      'Not allowed: This key lacks the `admin` scope',
    );
    expect(errorText(new ApiError(409, 'Approval already approved'))).toBe(
      'Already changed: Approval already approved',
    );
    expect(
      errorText(new ApiError(400, 'Invalid request body', [{ path: '/key', message: 'is required' }])),
    ).toBe('The server refused the request (400): Invalid request body; /key is required');
    expect(errorText(new ApiError(503, 'Not ready'))).toBe('The server failed (503): Not ready');
    expect(errorText(new TypeError('x is undefined'))).toBe(
      'Something went wrong in the dashboard: x is undefined',
    );
  });
});
