import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reactorPlugins } from '../../stdlib/index.js';
import { monitorPlugins } from '../../stdlib/monitors/index.js';
import { instanceEditorSchema, ruleFileEditorSchema } from '../../compiler/schema/editor-schemas.js';
import { webuiShape } from '../../compiler/schema/webui-schema.js';

const json = (o: object) => JSON.stringify(o, null, 2) + '\n';

/** schemaCommand prints the rule-file JSON Schema, or writes it and every monitor plugin's instance schema to --out. */
export function schemaCommand(args: string[], flags: Record<string, string | boolean | undefined>): number {
  if (args.length > 0) {
    process.stderr.write('usage: wubotc schema [--out DIR]\n');
    return 2;
  }
  const rules = ruleFileEditorSchema(reactorPlugins);
  if (typeof flags.out !== 'string') {
    process.stdout.write(json(rules));
    return 0;
  }
  mkdirSync(join(flags.out, 'instances'), { recursive: true });
  writeFileSync(join(flags.out, 'rule-file.schema.json'), json(rules));
  for (const def of monitorPlugins.values()) writeFileSync(join(flags.out, 'instances', `${def.name}.schema.json`), json(instanceEditorSchema(def, reactorPlugins)));
  writeFileSync(join(flags.out, 'webui.schema.json'), json({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'wubot web UI config', ...webuiShape.schema }));
  process.stderr.write(`wrote ${flags.out}/rule-file.schema.json, webui.schema.json and ${monitorPlugins.size} instance schemas in ${flags.out}/instances/\n`);
  return 0;
}
