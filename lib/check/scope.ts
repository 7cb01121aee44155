import { ParameterError } from '../errors.js';

/**
 * Whose guarantees a session checker tracks: each client across all its sessions (the
 * definitions' wording, "a client"), or each session on its own (Terry et al.'s session guarantees).
 */
export type SessionScope = 'client' | 'session';

/**
 * The id an operation is tracked under for a scope.
 *
 * @example
 * scopeOf('session')({ client: 3, session: 17 }); // 17
 */
export function scopeOf(scope: SessionScope): (op: { client: number; session: number }) => number {
  if (scope === 'client') return (op) => op.client;
  if (scope === 'session') return (op) => op.session;
  throw new ParameterError('scope', String(scope), "'client' or 'session'");
}
