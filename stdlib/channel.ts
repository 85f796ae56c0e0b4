import { join } from 'node:path';
import { CHANNEL_FAILED } from '../runtime/channels/channel-worker.js';
import { declareChannel } from '../runtime/channels/deliveries.js';
import type { ChannelSender, OutboxItem } from '../runtime/channels/outbox-item.js';
import { digestItem, Storm, StormTable, type Digest } from '../runtime/channels/storm.js';
import { signalWritten } from '../runtime/queue/queue-wake.js';
import { configPath } from '../runtime/paths.js';
import { str, truthy } from '../grammar/perl-values.js';
import type { Message, PluginContext } from '../runtime/pipeline-api.js';
import { hasMessageId, ID_FIELD, newMessageId } from '../runtime/queue/message-id.js';
import { rememberSecrets } from '../runtime/secrets.js';
import { parseTimeLength } from '../grammar/time-length.js';
import { writerFor } from './message-queue.js';
import { definePlugin, type ConfigProblem, type JsonSchema, type PluginDef } from './plugin.js';
import { InboxAck, type InboxConfig } from './inbox-ack.js';
import { fillTemplate, templateProblems } from './template.js';

/*
 * What every notification channel shares: a rule queues the message's
 * rendered notification in the channel's outbox (`outbox/<channel>` in the
 * wubot home) when the batch ends, before the message is acknowledged; the
 * reactor daemon's worker for that outbox delivers it (runtime/channels/).
 */

/** ChannelConfig holds the keys every channel takes. */
export interface ChannelConfig {
  channel?: string;
  timeout?: string | number;
  retry?: string | number;
  give_up_after?: string | number;
  limit?: { count: number; per: string | number };
  inbox?: InboxConfig | false;
}

const TIME = { type: ['string', 'number'] };

const COMMON: Record<string, JsonSchema> = {
  channel: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'the channel name, which names its outbox (default: the plugin name in lower case)' },
  timeout: { ...TIME, description: 'how long one delivery may take (default 10s)' },
  retry: { ...TIME, description: 'the first retry after a failure (default 2s; doubling, up to 5 min, with jitter)' },
  give_up_after: { ...TIME, description: 'how long after queueing a notification becomes a dead letter (default 1h)' },
  limit: {
    type: 'object',
    description: 'storm control: at most `count` per key per `per`; the rest go out as one digest per key',
    properties: { count: { type: 'integer', minimum: 1 }, per: TIME },
    required: ['count', 'per'],
    additionalProperties: false,
  },
  inbox: {
    description: 'the web UI inbox whose "mark seen" stops a key\'s repeats until its status changes (default sqlite/notifications.sql, table notifications); false: never',
    anyOf: [{ const: false }, { type: 'object', properties: { file: { type: 'string' }, table: { type: 'string' } }, additionalProperties: false }],
  },
};

/** ChannelDef is a channel plugin: its own keys, how a message becomes a payload, and how payloads are sent. */
export interface ChannelDef<C extends ChannelConfig> {
  readonly name: string;
  readonly summary: string;
  readonly docs: string;
  readonly properties: Record<string, JsonSchema>;
  readonly required: readonly string[];
  /** templates lists the config keys that hold `{$field}` templates. */
  readonly templates: readonly string[];
  readonly examples: readonly { title: string; config: C; input: Message }[];
  /** digest: the channel can send many items as one (`digestMs` from the config). */
  digestMs?(c: C): number;
  check?(c: C): ConfigProblem[];
  render(c: C, m: Message): Record<string, unknown>;
  sender(c: C, ctx: PluginContext): Omit<ChannelSender, 'render'>;
}

function ms(value: unknown, fallback: number): number {
  const s = parseTimeLength(value);
  return s === undefined ? fallback : s * 1000;
}

/** statusOf is a message's status as channels read it: upper case, OK when missing. */
export function statusOf(m: Message): string {
  return truthy(m.status) ? str(m.status).toUpperCase() : 'OK';
}

/** NONE: what a message that is no failure report failed on (shared: it is never changed). */
const NONE: readonly string[] = [];

function failedOn(m: Message): readonly string[] {
  const f = m[CHANNEL_FAILED];
  return f === undefined ? NONE : Array.isArray(f) ? f.map(str) : [str(f)];
}

/** Urgency is how pressing a notification is, for the channels that can say so. */
export type Urgency = 'low' | 'normal' | 'high' | 'critical';

/** urgencyOf: `urgent` or CRITICAL is critical, WARNING and UNKNOWN high, a recovery or OK low, the rest normal. */
export function urgencyOf(m: Message): Urgency {
  const status = statusOf(m);
  if (truthy(m.urgent) || status === 'CRITICAL') return 'critical';
  if (status === 'WARNING' || status === 'UNKNOWN') return 'high';
  return truthy(m.status) && status === 'OK' ? 'low' : 'normal';
}

/** TITLE and TEXT are the default templates of the push channels. */
export const TITLE = '{$hostname}: {$key}';
export const TEXT = '{$subject}';

/** pushTemplates are the template keys of the push channels, with their schemas. */
export const pushTemplates = {
  title: { type: 'string', description: `the title template (default \`${TITLE}\`)` },
  message: { type: 'string', description: `the text template (default \`${TEXT}\`)` },
} as const;

/** pushPayload is what the push channels send: a title, a text, the urgency and the message's link. */
export function pushPayload(c: { title?: string; message?: string }, m: Message): Record<string, unknown> {
  const link = str(m.link);
  return { title: fillTemplate(c.title ?? TITLE, m), text: fillTemplate(c.message ?? TEXT, m), urgency: urgencyOf(m), ...(/^https?:\/\//.test(link) ? { link } : {}) };
}

type Notice = Omit<OutboxItem, 'payload'>;

/** notice is what storm control reads of a message, before the channel renders it. */
function notice(m: Message, now: number, failed: readonly string[]): Notice {
  const status = statusOf(m);
  const n: Notice = { key: str(m.key), status, hostname: str(m.hostname), subject: str(m.subject), recovered: status === 'OK' && truthy(m.status_previous), queued_at: now };
  return failed.length ? { ...n, failed } : n;
}

/** outboxItem is what a channel queues for a message. */
export function outboxItem(m: Message, payload: Record<string, unknown>, now = Date.now(), n = notice(m, now, failedOn(m))): OutboxItem & { [ID_FIELD]: string; checksum: string } {
  const id = hasMessageId(m) ? (m[ID_FIELD] as string) : newMessageId(now);
  return {
    [ID_FIELD]: id,
    // the message's own checksum (or its id): the queue would otherwise compute one of the item, which costs more than the rest
    checksum: typeof m.checksum === 'string' && m.checksum !== '' ? m.checksum : id,
    ...n,
    payload,
  };
}

/** DigestOf stands in a batch for the digest of a key, taken when the batch is written. */
class DigestOf {
  constructor(
    readonly key: string,
    readonly more: Digest | undefined,
  ) {}
}

/** defineChannel makes a reactor plugin of a channel. */
export function defineChannel<C extends ChannelConfig>(def: ChannelDef<C>): PluginDef {
  const timeKeys = ['timeout', 'retry', 'give_up_after'] as const;
  return definePlugin<C>({
    name: def.name,
    summary: def.summary,
    docs: `${def.docs} Delivery: the notification waits in the outbox \`outbox/<channel>\` of the wubot home until the provider accepted it, and is tried again with backoff (\`retry\`) until \`give_up_after\`, then kept as a dead letter (\`wubot queue dump\`) with one WARNING message; \`limit\` holds back what exceeds \`count\` per key per \`per\` and sends it as one digest. Only the reactor daemon delivers.`,
    schema: {
      type: 'object',
      properties: { ...def.properties, ...COMMON },
      required: [...def.required],
      additionalProperties: false,
    },
    check(c) {
      const problems: ConfigProblem[] = def.check?.(c) ?? [];
      for (const k of timeKeys) {
        if (c[k] !== undefined && parseTimeLength(c[k]) === undefined) problems.push({ path: [k], message: `\`${String(c[k])}\` is not a time length (such as 30, 5s, 15m, 1h)` });
      }
      if (c.limit && parseTimeLength(c.limit.per) === undefined) problems.push({ path: ['limit', 'per'], message: `\`${String(c.limit.per)}\` is not a time length` });
      for (const k of def.templates) {
        const t = (c as Record<string, unknown>)[k];
        for (const b of typeof t === 'string' ? templateProblems(t) : []) problems.push({ path: [k], message: `\`${b}\` is not a \`{$field}\` placeholder; only \`{$name}\` is filled in` });
      }
      return problems;
    },
    examples: def.examples.map((e) => ({ ...e, config: e.config as unknown as Record<string, unknown>, output: e.input })),
    effect: () => ({}),
    create(c, ctx) {
      rememberSecrets(c);
      const name = c.channel ?? def.name.toLowerCase();
      const dir = configPath(join('outbox', name), ctx.home);
      const sender = def.sender(c, ctx);
      const withdraw = declareChannel(
        {
          name,
          plugin: def.name,
          dir,
          sender: { ...sender, render: (m) => def.render(c, m) },
          timeoutMs: ms(c.timeout, 10_000),
          retryMs: ms(c.retry, 2000),
          giveUpMs: ms(c.give_up_after, 3_600_000),
          digestMs: def.digestMs?.(c) ?? 0,
          limit: c.limit && { count: c.limit.count, windowMs: ms(c.limit.per, 600_000) },
        },
        ctx.log,
      );
      // the batch's items in order; a recovery's key first gets the digest of what storm control held back of it
      const pending: (Message | DigestOf)[] = [];
      const inbox = c.inbox === false ? undefined : InboxAck.of(c.inbox, ctx.home);
      const windowMs = ms(c.limit?.per, 600_000);
      // opened with the tree, so that no storm's first message pays for opening the outbox
      const table = c.limit && StormTable.of(writerFor(dir, ctx.hostname).database);
      const storm = c.limit && table && new Storm(c.limit.count, windowMs, table);
      const render = (m: Message) => def.render(c, m);
      return {
        react(m: Message) {
          // the channel's own failure report would fail the same way
          const failed = failedOn(m);
          if (failed.includes(name)) return;
          if (inbox?.acknowledged(m)) return;
          const now = Date.now();
          const n = notice(m, now, failed);
          if (storm) {
            if (!storm.admit(n, now)) return;
            if (n.recovered) pending.push(new DigestOf(n.key, storm.cut(n.key)));
          }
          pending.push(outboxItem(m, render(m), now, n) as unknown as Message);
        },
        flush() {
          if (pending.length === 0 && !storm?.dirty) return;
          const w = writerFor(dir, ctx.hostname);
          const durability = pending.length === 0 && storm?.onlyCounts(Date.now()) ? 'normal' : 'full';
          const fresh = w.transaction(() => {
            const items: Message[] = [];
            for (const p of pending) {
              if (!(p instanceof DigestOf)) items.push(p);
              else {
                const d = table!.take(p.key, p.more);
                if (d) items.push(digestItem(d, windowMs, render) as unknown as Message);
              }
            }
            const fresh = storm?.write(table!, Date.now()) ?? false;
            w.append(items);
            return fresh;
          }, durability);
          pending.length = 0;
          // the worker times the new digest's window
          if (fresh) signalWritten(dir);
        },
        close() {
          withdraw();
          inbox?.close();
        },
      };
    },
  });
}
