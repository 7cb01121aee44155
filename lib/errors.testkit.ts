// Test support: which parameter a refused call named.
import { expect } from 'vitest';
import { ParameterError } from './errors.js';

/** Runs `f`; returns the `parameter` of the ParameterError it threw, or null if it did not throw. */
export function refusedParameter(f: () => unknown): string | null {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ParameterError);
    return (error as ParameterError).parameter;
  }
  return null;
}
