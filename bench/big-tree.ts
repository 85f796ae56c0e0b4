/** bigTree makes a rule file of `groups` × 10 rules: a routing parent and nine children of mixed kinds. */
export function bigTree(groups: number): string {
  const lines = ['rules:'];
  for (let g = 0; g < groups; g++) {
    lines.push(
      `  - name: group-${g}`,
      `    condition: key matches ^Group${g}-`,
      '    rules:',
      `      - { name: a${g}, condition: subject matches ^ERROR AND level > ${g % 7}, plugin: SetField, config: { set: { color: red, urgent: 1 } } }`,
      `      - { name: b${g}, condition: key equals Group${g}-x, plugin: SetField, config: { field: mailbox, value: g${g} } }`,
      `      - { name: c${g}, condition: key equals Group${g}-y, plugin: DeleteField, config: { field: noforward } }`,
      `      - { name: d${g}, condition: key equals Group${g}-z, plugin: CopyField, config: { source_field: subject, target_field: title } }`,
      `      - { name: e${g}, condition: "title imatches \\\\bdown\\\\b OR status equals CRITICAL", plugin: SetField, config: { field: sticky, value: 1 } }`,
      `      - { name: f${g}, condition: contains body, plugin: HTMLStrip, config: { field: body } }`,
      `      - { name: g${g}, plugin: TransformField, config: { source_field: subject, regexp_search: '\\s+', regexp_replace: ' ' } }`,
      `      - { name: h${g}, condition: ( a is true OR b is true ) AND NOT c is false, plugin: HashLookup, config: { source_field: status, target_field: color, lookup: { OK: green } } }`,
      `      - { name: i${g}, condition: noforward is false, last_rule: 1 }`,
    );
  }
  return lines.join('\n') + '\n';
}
