import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pluginReference } from '../../../compiler/schema/plugin-reference.js';
import { PLUGIN_REFERENCE } from '../../../compiler/schema/write-plugin-reference.js';
import { reactorPlugins } from '../../../stdlib/index.js';

describe('docs/plugins.md', () => {
  it('is what the plugin definitions make (run `npm run docs` after changing a plugin)', () => {
    const made = pluginReference(reactorPlugins);
    const checkedIn = readFileSync(PLUGIN_REFERENCE, 'utf8');
    // the first differing line says where, instead of a diff of 800 lines
    const a = checkedIn.split('\n');
    const b = made.split('\n');
    const i = b.findIndex((line, n) => line !== a[n]);
    assert.ok(checkedIn === made, `docs/plugins.md is out of date from line ${i + 1}: has ${JSON.stringify(a[i])}, the definitions make ${JSON.stringify(b[i])}`);
  });

  it('names every plugin, every config key and every example', () => {
    const made = pluginReference(reactorPlugins);
    for (const def of reactorPlugins.values()) {
      assert.ok(made.includes(`## ${def.name}\n`), def.name);
      for (const k of Object.keys((def.schema.properties ?? {}) as object)) assert.ok(made.includes(`| \`${k}\` |`), `${def.name}.${k}`);
      for (const ex of def.examples) assert.ok(made.includes(`### Example: ${ex.title}\n`), ex.title);
    }
  });
});
