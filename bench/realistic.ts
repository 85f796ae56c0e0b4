import { isTrue, num, str, truthy, isFalse } from '../grammar/perl-values.js';
import { rulelog } from '../runtime/rulelog.js';
import type { Message, Pipeline } from '../runtime/pipeline-api.js';

/*
 * A realistic rule tree of about 100 rules (routing by key, regex matches,
 * nested trees, field plugins), the same logic written by hand in plain
 * JavaScript, and messages to run through both.
 */

const HOSTS = 50;
const TOPICS = ['kernel', 'security', 'release', 'python', 'perl', 'debian', 'xmpp', 'sqlite', 'backup', 'network'];
const PREFIXES = ['ERROR', 'WARN', 'CRON', 'BACKUP', 'DISK', 'MAIL', 'SSH', 'KERNEL', 'NTP', 'DNS', 'HTTP', 'SMTP', 'IMAP', 'SQL', 'RAID', 'UPS', 'TEMP', 'FAN', 'PSU', 'NET'];

/** realisticTree is the rule file, as YAML text. */
export function realisticTree(): string {
  const lines = ['rules:'];
  for (let i = 1; i <= HOSTS; i++) {
    lines.push(`  - name: route-host${i}`, `    condition: key equals Uptime-host${i}`, '    plugin: SetField', `    config: { set: { mailbox: load, host: host${i} } }`);
  }
  lines.push(
    '  - name: load',
    '    condition: key matches ^Uptime-',
    '    rules:',
    '      - name: critical',
    '        condition: load >= 8',
    '        plugin: SetField',
    '        config: { set: { status: CRITICAL, color: red } }',
    '      - name: warning',
    '        condition: load >= 4 AND load < 8',
    '        plugin: SetField',
    '        config: { set: { status: WARNING, color: yellow } }',
    '      - name: load subject',
    '        condition: contains status',
    '        plugin: Template',
    "        config: { template: '{$host}: load {$load} ({$status})', target_field: subject }",
    '  - name: rss',
    '    condition: key matches ^RSS-',
    '    rules:',
    '      - name: strip tag',
    '        plugin: CleanText',
    "        config: { source_field: title, regexp_search: '^\\[[\\w-]+\\]\\s*' }",
    '      - name: outage',
    '        condition: title imatches \\b(outage|down|failed)\\b',
    '        plugin: SetField',
    '        config: { set: { urgent: 1, color: red } }',
  );
  for (const t of TOPICS) {
    lines.push(`      - name: topic-${t}`, `        condition: title imatches \\b${t}\\b`, '        plugin: SetField', `        config: { field: tag, value: ${t} }`);
  }
  lines.push('      - name: rss subject', '        plugin: CopyField', '        config: { source_field: title, target_field: subject }');
  for (const p of PREFIXES) {
    lines.push(`  - name: category-${p}`, `    condition: subject matches ^${p}`, '    plugin: SetField', `    config: { field: category, value: ${p} }`);
  }
  lines.push(
    '  - name: command',
    '    condition: key matches ^Command-',
    '    rules:',
    '      - name: failed',
    '        condition: exit_status > 0',
    '        plugin: SetField',
    '        config: { field: status, value: CRITICAL }',
    '      - name: sticky',
    '        condition: status equals CRITICAL',
    '        plugin: SetField',
    '        config: { field: sticky, value: 1 }',
    '  - name: colour',
    '    condition: contains status AND NOT contains color',
    '    plugin: HashLookup',
    '    config: { source_field: status, target_field: color, lookup: { CRITICAL: red, WARNING: yellow, OK: green } }',
    '  - name: sound',
    '    condition: urgent is true',
    '    plugin: SetField',
    '    config: { field: sound, value: alarm }',
    '  - name: page',
    '    condition: urgent is true AND key matches ^RSS-',
    '    plugin: SetField',
    '    config: { field: page, value: 1 }',
    '  - name: noise',
    '    condition: subject imatches ^(ping|heartbeat)\\b',
    '    last_rule: 1',
    '  - name: forward',
    '    condition: noforward is false',
    '    plugin: SetField',
    '    config: { field: forward, value: 1 }',
  );
  return lines.join('\n') + '\n';
}

/** realisticMessages makes n messages of the kinds the tree routes, deterministically. */
export function realisticMessages(n: number): Message[] {
  let seed = 42;
  const rand = (k: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  const titles = ['[lwn] Kernel release 6.20', 'Outage in the backup network', 'Security update for perl', 'Nothing to see', '[debian-news] Debian 14 released'];
  const out: Message[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rand(10);
    const m: Message = { lastupdate: 1764300000 + i, hostname: `host${rand(60)}` };
    if (kind < 4) Object.assign(m, { key: `Uptime-host${1 + rand(60)}`, load: (rand(1200) / 100).toFixed(2) });
    else if (kind < 6) Object.assign(m, { key: `RSS-feed${rand(5)}`, title: titles[rand(titles.length)] });
    else if (kind < 8) Object.assign(m, { key: `Log-${rand(4)}`, subject: `${PREFIXES[rand(PREFIXES.length + 5)] ?? 'misc'}: event ${i}` });
    else if (kind < 9) Object.assign(m, { key: `Command-job${rand(3)}`, exit_status: rand(3), subject: 'job done' });
    else Object.assign(m, { key: 'Pulse-minute', subject: rand(2) ? 'heartbeat 1' : 'ping' });
    if (rand(4) === 0) m.noforward = 1;
    out.push(m);
  }
  return out;
}

/** handWritten is the tree's logic as a programmer would write it directly, with the same output. */
export function handWritten(hostname: string): Pipeline {
  const routes = new Map(Array.from({ length: HOSTS }, (_, i) => [`Uptime-host${i + 1}`, i + 1]));
  const entries = new Map<string, string>();
  const entry = (name: string): string => {
    let e = entries.get(name);
    if (e === undefined) entries.set(name, (e = `${hostname}:${name}`));
    return e;
  };
  const topicRes = TOPICS.map((t) => new RegExp(`\\b${t}\\b`, 'i'));
  const prefixRes = PREFIXES.map((p) => new RegExp(`^${p}`));
  const colours: Record<string, string> = { CRITICAL: 'red', WARNING: 'yellow', OK: 'green' };
  return (m) => {
    if (truthy(m.last_rule)) return;
    const key = truthy(m.key) ? str(m.key) : '';
    const host = routes.get(key);
    if (host !== undefined) {
      rulelog(m, entry(`route-host${host}`));
      m.mailbox = 'load';
      m.host = `host${host}`;
    }
    if (key.startsWith('Uptime-')) {
      rulelog(m, entry('load'));
      const load = num(m.load);
      if (load !== undefined && load >= 8) {
        rulelog(m, entry('critical'));
        m.status = 'CRITICAL';
        m.color = 'red';
      }
      if (load !== undefined && load >= 4 && load < 8) {
        rulelog(m, entry('warning'));
        m.status = 'WARNING';
        m.color = 'yellow';
      }
      if ('status' in m) {
        rulelog(m, entry('load subject'));
        m.subject = `${str(m.host)}: load ${str(m.load)} (${str(m.status)})`;
      }
    }
    if (key.startsWith('RSS-')) {
      rulelog(m, entry('rss'));
      rulelog(m, entry('strip tag'));
      if (m.title !== undefined && m.title !== null) m.title = str(m.title).replace(/^\[[\w-]+\]\s*/, '');
      const title = truthy(m.title) ? str(m.title) : undefined;
      if (title !== undefined && /\b(outage|down|failed)\b/i.test(title)) {
        rulelog(m, entry('outage'));
        m.urgent = 1;
        m.color = 'red';
      }
      topicRes.forEach((re, i) => {
        if (title !== undefined && re.test(title)) {
          rulelog(m, entry(`topic-${TOPICS[i]}`));
          m.tag = TOPICS[i];
        }
      });
      rulelog(m, entry('rss subject'));
      m.subject = m.title;
    }
    const subject = truthy(m.subject) ? str(m.subject) : undefined;
    prefixRes.forEach((re, i) => {
      if (subject !== undefined && re.test(subject)) {
        rulelog(m, entry(`category-${PREFIXES[i]}`));
        m.category = PREFIXES[i];
      }
    });
    if (key.startsWith('Command-')) {
      rulelog(m, entry('command'));
      const exit = num(m.exit_status);
      if (exit !== undefined && exit > 0) {
        rulelog(m, entry('failed'));
        m.status = 'CRITICAL';
      }
      if (m.status === 'CRITICAL') {
        rulelog(m, entry('sticky'));
        m.sticky = 1;
      }
    }
    if ('status' in m && !('color' in m)) {
      rulelog(m, entry('colour'));
      const c = colours[str(m.status)];
      if (truthy(m.status) && c !== undefined) m.color = c;
    }
    const urgent = isTrue(m.urgent);
    if (urgent) {
      rulelog(m, entry('sound'));
      m.sound = 'alarm';
    }
    if (urgent && key.startsWith('RSS-')) {
      rulelog(m, entry('page'));
      m.page = 1;
    }
    if (subject !== undefined && /^(ping|heartbeat)\b/i.test(subject)) {
      rulelog(m, entry('noise'));
      m.last_rule = 1;
      return;
    }
    if (isFalse(m.noforward)) {
      rulelog(m, entry('forward'));
      m.forward = 1;
    }
  };
}
