import { hostname } from 'node:os';

/** shortHostname is the system host name up to its first dot, as the original uses it. */
export function shortHostname(): string {
  return hostname().split('.')[0];
}
