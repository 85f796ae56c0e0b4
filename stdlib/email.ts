import { resolve } from 'node:path';
import type { Transporter } from 'nodemailer';
import { DeliveryError, type OutboxItem } from '../runtime/channels/outbox-item.js';
import { readConfigFile } from '../runtime/config-file.js';
import { str } from '../grammar/perl-values.js';
import { parseTimeLength } from '../grammar/time-length.js';
import { defineChannel, type ChannelConfig } from './channel.js';
import { fillTemplate } from './template.js';

interface Config extends ChannelConfig {
  host: string;
  port?: number;
  tls?: 'starttls' | 'direct' | 'none';
  tls_ca?: string;
  user?: string;
  password?: string;
  from: string;
  to: string | string[];
  subject?: string;
  body?: string;
  digest?: string | number;
}

const SUBJECT = '[{$status}] {$hostname}: {$subject}';
const BODY = '{$subject}\n\nhost: {$hostname}\nkey: {$key}\nstatus: {$status}\n{$link}\n';

/** digestText makes one mail of many notifications: a subject that counts them, and each one's body in order. */
export function digestText(items: readonly OutboxItem[]): { subject: string; text: string } {
  const hosts = [...new Set(items.map((i) => i.hostname))].join(', ');
  return {
    subject: `${items.length} notifications from ${hosts}`,
    text: items.map((i) => `${str(i.payload.subject)}\n${str(i.payload.body)}`).join('\n----\n'),
  };
}

function smtpError(e: unknown): DeliveryError {
  const err = e as { message?: string; code?: string; responseCode?: number; response?: string };
  const what = err.response ?? err.message ?? String(e);
  // SMTP: 5xx is a refusal for good, 4xx and lost connections are worth another try
  return new DeliveryError(`SMTP ${err.code ?? 'error'}: ${what}`, typeof err.responseCode === 'number' && err.responseCode >= 500);
}

export default defineChannel<Config>({
  name: 'Email',
  summary: 'Send a notification as an e-mail over SMTP, one per message or as a digest.',
  docs: 'Sends a mail from `from` to `to` through the SMTP server `host` (`port` default 587). `tls: starttls` (the default) refuses a server that does not offer STARTTLS; `direct` speaks TLS from the first byte (port 465); `none` sends in clear (a local relay only). The certificate is checked; `tls_ca` adds a CA file. `user` and `password` log in. `subject` and `body` are `{$field}` templates. With `digest: 15m` the notifications of 15 minutes go out as one mail. A 250 answer delivers; 4xx answers and lost connections are tried again, 5xx answers are a permanent refusal. Each mail carries a Message-ID made from the notification\'s id, the same on every try.',
  properties: {
    host: { type: 'string', description: 'the SMTP server' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'its port (default 587, 465 with tls: direct)' },
    tls: { enum: ['starttls', 'direct', 'none'], description: 'how the connection is encrypted (default starttls)' },
    tls_ca: { type: 'string', description: 'a PEM file of CAs to trust besides the system ones' },
    user: { type: 'string', description: 'the login' },
    password: { type: 'string', description: 'the password (keep this file chmod 600)' },
    from: { type: 'string', description: 'the sender address' },
    to: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }], description: 'the recipients' },
    subject: { type: 'string', description: `the subject template (default \`${SUBJECT}\`)` },
    body: { type: 'string', description: 'the body template' },
    digest: { type: ['string', 'number'], description: 'send what came in this time as one mail' },
  },
  required: ['host', 'from', 'to'],
  templates: ['subject', 'body'],
  check: (c) => (c.digest !== undefined && parseTimeLength(c.digest) === undefined ? [{ path: ['digest'], message: `\`${String(c.digest)}\` is not a time length` }] : []),
  examples: [{ title: 'mail what is critical', config: { host: 'smtp.example.org', user: 'wubot', password: 'example-password', from: 'wubot@example.org', to: 'me@example.org' }, input: { key: 'disk', subject: 'disk full', status: 'CRITICAL' } }],
  digestMs: (c) => (parseTimeLength(c.digest) ?? 0) * 1000,
  render: (c, m) => ({ subject: fillTemplate(c.subject ?? SUBJECT, m), body: fillTemplate(c.body ?? BODY, m) }),
  sender(c, ctx) {
    const direct = c.tls === 'direct';
    // one connection kept open: a STARTTLS handshake and login per mail would cost more than the mail;
    // nodemailer is loaded at the first mail (lint, the editor and starts without an Email channel go without it)
    const tls = c.tls_ca !== undefined ? { ca: readConfigFile(resolve(ctx.baseDir, c.tls_ca)) } : undefined;
    let opened: Promise<Transporter> | undefined;
    const transport = () => (opened ??= import('nodemailer').then(({ createTransport }) => createTransport({
      pool: true,
      maxConnections: 1,
      host: c.host,
      port: c.port ?? (direct ? 465 : 587),
      secure: direct,
      requireTLS: (c.tls ?? 'starttls') === 'starttls',
      ignoreTLS: c.tls === 'none',
      auth: c.user !== undefined ? { user: c.user, pass: c.password ?? '' } : undefined,
      tls,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    })));
    return {
      async send({ items, idempotencyKey, signal }) {
        const one = items.length === 1 ? { subject: str(items[0].payload.subject), text: str(items[0].payload.body) } : digestText(items);
        try {
          await (await transport()).sendMail({ from: c.from, to: c.to, subject: one.subject, text: one.text, messageId: `<${idempotencyKey}@wubot>`, signal });
        } catch (e) {
          throw smtpError(e);
        }
      },
      close: () => void opened?.then((t) => t.close()),
    };
  },
});
