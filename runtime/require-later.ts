import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * requireLater gives a function that loads a CommonJS package at its first
 * call, for a plugin whose definition is read far more often than it runs
 * (`wubotc lint` reads every plugin's definition and runs none).
 */
export function requireLater<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
