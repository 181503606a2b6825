/**
 * Positions and revisions are 64-bit: bigint in code, decimal strings on the wire (JSON
 * numbers lose precision past 2^53). These two functions are the only crossing.
 */
import { ValidationError } from '@dreamcatcher/service-kit/errors';

const MAX_INT64 = 2n ** 63n - 1n;
const DECIMAL = /^(0|-?[1-9][0-9]{0,18})$/;

/** A position or revision as its decimal string. */
export function formatPosition(value: bigint): string {
  return value.toString(10);
}

/**
 * Parses a decimal string from a request, header or message into a position or revision;
 * throws ValidationError (400) naming `field` when it is not a 64-bit integer >= `min`.
 */
export function parsePosition(value: string, field = 'position', min = 0n): bigint {
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) throw invalid(field, value);
  const parsed = BigInt(trimmed);
  if (parsed < min || parsed > MAX_INT64) throw invalid(field, value);
  return parsed;
}

function invalid(field: string, value: string): ValidationError {
  return new ValidationError(`${field} must be a decimal 64-bit integer`, [
    { path: `/${field}`, message: `must be a decimal 64-bit integer, got "${value.slice(0, 40)}"` },
  ]);
}
