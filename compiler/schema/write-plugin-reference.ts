import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reactorPlugins } from '../../stdlib/index.js';
import { pluginReference } from './plugin-reference.js';

/** PLUGIN_REFERENCE is docs/plugins.md of this checkout (this file runs from dist/compiler/schema/). */
export const PLUGIN_REFERENCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'plugins.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(PLUGIN_REFERENCE, pluginReference(reactorPlugins));
  process.stderr.write(`wrote ${PLUGIN_REFERENCE}\n`);
}
