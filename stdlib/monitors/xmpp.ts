import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { perlYamlData } from '../../grammar/yaml-source.js';
import { hostConfig } from '../../runtime/config-tree.js';
import { configPath } from '../../runtime/paths.js';
import type { Message } from '../../runtime/pipeline-api.js';
import { QueueReader, type Claimed } from '../../runtime/queue/queue-reader.js';
import { QueueWake, signalWritten, type WaitResult } from '../../runtime/queue/queue-wake.js';
import { bareJid } from '../../runtime/xmpp/jid.js';
import { XmppLink, type LinkEvent, type TlsMode } from '../../runtime/xmpp/link.js';
import { trustCaFor } from '../../runtime/xmpp/tls-trust.js';
import { encodeBody, MAX_BODY } from '../../runtime/xmpp/wire.js';
import { defineMonitor } from '../monitor-plugin.js';
import { xmppAccountKeys } from '../xmpp-account.js';
import { PATH_FIELD, pathOf, Receiver } from './xmpp-receiver.js';

interface Config {
  account: string;
  password: string;
  host?: string;
  port?: number;
  directory: string;
  user?: string;
  resource?: string;
  allow?: string[];
  max_hops?: number;
  batch?: number;
  tls?: TlsMode;
  tls_ca?: string;
  max_body?: number;
  keepalive?: number;
}

/** WINDOW is how many batches may wait for the server's confirmation while later ones are sent. */
const WINDOW = 8;

/**
 * MAX_DRAIN_MS: a drain waits for rows written while it sends for this long
 * at most; the next check, brought forward by those writes, goes on. Short,
 * so that no check runs into a timeout the instance's config may set low.
 */
const MAX_DRAIN_MS = 1000;

/** WRITE_POLL_MS: while batches wait for the server's answer, the queue is looked at this often without a wake-up. */
const WRITE_POLL_MS = 250;

/** ACK_EVERY: confirmed messages are acknowledged together, this many at a time (and at the end of each drain). */
const ACK_EVERY = 1000;

/** AWAY_RETRY_MS: after a bounce, the queue is sent again when the recipient comes back, or after this long. */
const AWAY_RETRY_MS = 5 * 60_000;

/** PRESENT_RETRY_MS: after a bounce for a recipient whose presence says it is there, the queue is sent again this soon. */
const PRESENT_RETRY_MS = 2000;

/** MAX_START_DELAY_MS: a session that cannot start is tried again at least this often. */
const MAX_START_DELAY_MS = 60_000;

/**
 * RECEIPT_TIMEOUT_MS: when a present recipient confirmed nothing for this
 * long, what it did not confirm is sent again; each time again in a row
 * waits twice as long, up to 2^MAX_RECEIPT_DOUBLINGS times, so that a server
 * too busy to pass receipts on is not sent the same messages over and over.
 */
const RECEIPT_TIMEOUT_MS = 30_000;
const MAX_RECEIPT_DOUBLINGS = 4;

/**
 * MAX_CHECK_WAIT_MS: a check waits this long for its drain at most. A drain
 * held up by a slow server goes on and the next check finds it running, so
 * that no check outlives the timeout an instance's config may set.
 */
const MAX_CHECK_WAIT_MS = 10_000;

/** MAX_UNRECEIPTED: sending pauses while this many messages wait for the recipient's receipt. */
const MAX_UNRECEIPTED = 10_000;

/** PRESENCE_WAIT_MS: a first session waits this long for the recipient's presence, which says whether it sends receipts. */
const PRESENCE_WAIT_MS = 2000;

/** atMost waits for `p` (which never rejects), but no longer than `ms`. */
async function atMost(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/**
 * loopStop says why a message must not go to `to`: the recipient is already
 * on its path, or the path is as long as `maxHops`. Undefined means it may go.
 */
export function loopStop(m: Message, to: string, maxHops: number): string | undefined {
  const path = pathOf(m).map((p) => bareJid(String(p)));
  if (path.includes(bareJid(to))) return `routing loop: ${to} is already on the path ${path.join(' → ')}`;
  if (path.length >= maxHops) return `too many hops: ${path.join(' → ')} (max_hops ${maxHops})`;
  return undefined;
}

/** recipientsOnThisHost lists the `user` of every XMPP instance this host loads: by default, they may send to any of them. */
function recipientsOnThisHost(home: string, hostname: string): string[] {
  const out: string[] = [];
  for (const f of hostConfig(join(home, 'config'), hostname, { listIgnored: false }).instances) {
    if (f.plugin !== 'XMPP') continue;
    try {
      const user = (perlYamlData(readFileSync(f.path, 'utf8')) as { user?: unknown } | null)?.user;
      if (typeof user === 'string') out.push(user);
    } catch {
      // a broken file is reported when its own instance loads
    }
  }
  return out;
}

export default defineMonitor<Config>({
  name: 'XMPP',
  summary: 'Send and receive messages between hosts over XMPP.',
  docs: 'Logs in as `account` (with `password`) to the server at `host`:`port` (default 127.0.0.1:5222) with a fixed `resource`, and announces presence so the server hands over what it kept while this bot was offline. Every message that lands in the `directory` queue is sent to `user`, in order, in the original\'s wire format, with `noforward` set; a message is taken off the queue only once the server accepted it (by a wubot recipient, whose presence says it sends delivery receipts, only once it stored it: what a server loses is sent again; the outbox remembers what that presence said across restarts), and one the server bounces stays queued. Messages received from a JID that one of this host\'s XMPP instances sends to, or one in `allow`, are decoded (bodies over `max_body` are not), marked `noforward` and queued for the reactor with their own id, `lastupdate`, `key`, `plugin` and `hostname`; anything else is logged and dropped. Where the server keeps a message archive (XEP-0313), the archive id of the last message queued is stored with it, and after every (re)connect the archive is read from there, so a bot killed or cut off mid-stream loses nothing; a connection silent for `keepalive` seconds (default 60) is pinged and dropped when the ping is not answered. Linked bots subscribe to each other\'s presence: a message the server bounces while its recipient is away is sent again when the recipient is back. A message whose path already holds the recipient, or has `max_hops` (default 8) hops, is kept in the queue\'s dead-letter table instead of being sent. `tls`: `starttls` (default), `required` or `direct`; `tls_ca`: the CA of a server whose certificate is of its own making.',
  decorateConfig: false,
  schema: {
    type: 'object',
    properties: {
      ...xmppAccountKeys,
      directory: { type: 'string', description: 'the queue whose messages are sent' },
      user: { type: 'string', description: 'the JID messages are sent to' },
      resource: { type: 'string', description: 'this bot\'s fixed resource (default wubot)' },
      allow: { type: 'array', items: { type: 'string' }, description: 'more JIDs whose messages are accepted' },
      max_hops: { type: 'integer', minimum: 1, description: 'most hosts a message may pass (default 8)' },
      batch: { type: 'integer', minimum: 1, description: 'messages sent per confirmation (default 200)' },
      max_body: { type: 'integer', minimum: 1024, description: 'largest body accepted, in characters of base64 (default 1 MiB); larger ones are dropped unread' },
      keepalive: { type: 'number', exclusiveMinimum: 0, description: 'seconds: a connection silent this long is pinged, and dropped and made again when the ping is not answered as long (default 60); so a dead link is noticed' },
    },
    required: ['account', 'password', 'directory'],
  },
  link: ({ account, user, directory }) => ({
    ...(typeof account === 'string' ? { account } : {}),
    ...(typeof directory === 'string' ? { queue: directory } : {}),
    ...(typeof user === 'string' ? { user } : {}),
  }),
  create(c, ctx) {
    const [username, domain] = c.account.split('@');
    const allowed = new Set([...recipientsOnThisHost(ctx.home, ctx.hostname), ...(c.user ? [c.user] : []), ...(c.allow ?? [])].map(bareJid));
    const host = c.host ?? '127.0.0.1';
    const where = `${host}:${c.port ?? (c.tls === 'direct' ? 5223 : 5222)}`;
    /** outbox is the queue this instance sends from */
    const outbox = configPath(c.directory, ctx.home);
    // the server's certificate is checked against the XMPP domain
    if (c.tls_ca) trustCaFor(domain, configPath(c.tls_ca, ctx.home));
    // after a bounce (the recipient is away and the server keeps no more for it), the queue waits for its return;
    // a recipient whose presence came first (a bounce confirmed late) is tried again soon
    let awayUntil = 0;
    let recipientPresent = false;
    // the recipient's presence said it went away: what is sent now fills its server's offline store, which may be
    // capped, so it goes one message at a time: nothing is in flight past a bounce that could reach the recipient
    // ahead of the bounced message once it is back
    let recipientAway = false;
    // a recipient whose presence says it is a wubot bot confirms each message once it stored it (XEP-0184 receipts):
    // its rows stay claimed, in flight, until then, since a server may lose what it accepted (ejabberd, on a restart)
    let recipientReceipts = false;
    let recipientHeard = false;
    let firstOnlineAt = 0;
    /** unreceipted: rows the server accepted for a recipient that sends receipts, by id, with when they were sent */
    const unreceipted = new Map<string, { cl: Claimed; at: number }>();
    let lastReceiptAt = 0;
    /** resends in a row after the recipient confirmed nothing for a while */
    let quietResends = 0;
    let receiptsToAck: Claimed[] = [];
    let blockedOnReceipts = false;
    // after a disconnect what waits for a receipt goes again: the server may have lost it
    let resendAll = false;
    const onReceipt = (id: string): void => {
      const entry = unreceipted.get(id);
      if (!entry) return;
      unreceipted.delete(id);
      lastReceiptAt = Date.now();
      quietResends = 0;
      receiptsToAck.push(entry.cl);
      if (receiptsToAck.length > 1) return;
      // the receipts one read of the socket brought are acknowledged in one transaction
      setImmediate(() => {
        try {
          reader?.ack(receiptsToAck);
        } catch (e) {
          // those rows stay queued and go again, which the recipient drops by id
          ctx.log.error('could not acknowledge messages the recipient confirmed', { count: receiptsToAck.length, error: (e as Error).message });
        }
        receiptsToAck = [];
        if (blockedOnReceipts && unreceipted.size < MAX_UNRECEIPTED / 2) {
          blockedOnReceipts = false;
          signalWritten(outbox);
        }
      });
    };
    // connection events are local messages, marked noforward so a catch-all forward rule does not send them on
    let lastError = 0;
    const onEvent = (e: LinkEvent): void => {
      if (e.kind === 'receipt') {
        if (c.user && e.jid === bareJid(c.user)) onReceipt(e.id);
        return;
      }
      if (e.kind === 'session') return;
      if (e.kind === 'peer') {
        if (!c.user || e.jid !== bareJid(c.user)) return;
        if (!recipientHeard) signalWritten(outbox);
        recipientHeard = true;
        // an unavailable presence carries no capabilities: what the recipient said when it was there still holds
        if (e.available) learnReceipts(e.receipts);
        // a recipient back from away first confirms what its server kept for it: the wait for receipts starts now
        if (e.available && !recipientPresent) lastReceiptAt = Date.now();
        recipientPresent = e.available;
        recipientAway = !e.available;
        if (e.available) {
          awayUntil = 0;
          // the recipient is back: what waits for it goes now, not at the next check
          signalWritten(outbox);
        }
        return;
      }
      if (e.kind === 'error') {
        // while a server is down the client retries every second: one message a minute says so
        if (Date.now() - lastError < 60_000) return;
        lastError = Date.now();
      }
      if (e.kind === 'online') {
        ctx.emit([{ subject: 'XMPP: session ready', coalesce: 'XMPP', noforward: 1 }]);
        void receiver.connected();
        if (!firstOnlineAt) {
          firstOnlineAt = Date.now();
          if (c.user) setTimeout(() => signalWritten(outbox), PRESENCE_WAIT_MS).unref();
        }
        // what queued up while the link was down goes now, not at the next check
        if (c.user) signalWritten(outbox);
      } else if (e.kind === 'offline') {
        receiver.disconnected();
        resendAll = true;
        ctx.emit([{ subject: `XMPP: disconnect (${where})`, status: 'CRITICAL', coalesce: 'XMPP', noforward: 1 }]);
      } else ctx.emit([{ subject: `XMPP: ERROR: ${e.message}`, status: 'CRITICAL', coalesce: 'XMPP', noforward: 1 }]);
    };
    const link = new XmppLink(
      { host, port: c.port, tls: c.tls, domain, username, password: c.password, resource: c.resource ?? 'wubot', log: ctx.log, peers: [...allowed], receipts: true, ...(c.keepalive ? { keepaliveMs: c.keepalive * 1000 } : {}) },
      (m) => receiver.take(m),
      onEvent,
    );
    const receiver = new Receiver(link, {
      me: bareJid(c.account),
      allowed,
      maxBody: c.max_body ?? MAX_BODY,
      log: ctx.log,
      emit: ctx.emit,
      ...(ctx.readCursor ? { readCursor: ctx.readCursor } : {}),
    });
    let reader: QueueReader | undefined;
    // acknowledgements without an fsync each: one lost to a power cut only sends a message again, which the receiver drops by its id
    const outboxReader = (): QueueReader => (reader ??= QueueReader.open(outbox, { log: ctx.log, durability: 'normal' }));
    // whether the recipient sends receipts is kept in the outbox: a sender started while its recipient is away
    // (say, after a reboot) still waits for the receipts, and does not take the server's word for them
    const receiptsCursor = `xmpp-receipts:${bareJid(c.user ?? '')}`;
    let learned = false;
    const learnReceipts = (receipts: boolean): void => {
      recipientReceipts = receipts;
      learned = true;
      if (!c.user) return;
      try {
        const r = outboxReader();
        if (r.cursor(receiptsCursor) !== String(Number(receipts))) r.setCursor(receiptsCursor, String(Number(receipts)));
      } catch (e) {
        ctx.log.warn('could not note in the outbox whether the recipient sends receipts', { error: (e as Error).message });
      }
    };
    /** remembered: the outbox says what the recipient's last available presence said of receipts (read once, at the first check) */
    let remembered: boolean | undefined;
    const recall = (): boolean => {
      // an instance that only receives has no outbox to read: its `directory` may be the reactor's own queue
      if (!c.user) return false;
      if (remembered === undefined) {
        const stored = outboxReader().cursor(receiptsCursor);
        remembered = stored !== undefined;
        // an available presence heard since says it anew; an unavailable one says nothing of receipts
        if (remembered && !learned) recipientReceipts = stored === '1';
      }
      return remembered;
    };
    // while batches wait for the server's answer, rows written meanwhile are sent at once (see drain); the wake is
    // made before a drain's first claim, so that no write between a claim that found nothing and the wait after it
    // goes unnoticed, and a missed signal (a watch that failed) costs one WRITE_POLL_MS
    let outboxWake: QueueWake | undefined;
    let written: Promise<WaitResult> | undefined;
    const nextWrite = (): Promise<WaitResult> =>
      (written ??= outboxWake!.wait(WRITE_POLL_MS).then((w) => {
        written = undefined;
        return w;
      }));
    let started = false;
    const maxHops = c.max_hops ?? 8;

    /**
     * drain sends the queue in order, in batches, up to WINDOW batches ahead
     * of the server's confirmations; confirmed rows are acknowledged in order,
     * ACK_EVERY at a time and at the end. At the first bounce, that message and all
     * after it stay queued (unclaimed) for the next check; a dropped connection
     * likewise leaves every unconfirmed row queued. While the recipient is away
     * (its presence said so), one message is in flight at a time, so a
     * recipient that comes back cannot get a later one first. Rows sent to a
     * recipient that sends receipts are acknowledged on its receipt instead;
     * after a disconnect, or when a present recipient confirmed nothing for
     * RECEIPT_TIMEOUT_MS, they are sent again from the oldest, in order.
     */
    async function drain(): Promise<number> {
      if (!c.user) return 0;
      outboxWake ??= new QueueWake(outbox);
      const r = outboxReader();
      if (!recipientReceipts && unreceipted.size) {
        // the recipient no longer sends receipts (another program took its account): the server's word is all there is
        r.ack([...unreceipted.values()].map((u) => u.cl));
        unreceipted.clear();
      }
      const oldest = unreceipted.values().next().value;
      const patience = RECEIPT_TIMEOUT_MS * 2 ** Math.min(quietResends, MAX_RECEIPT_DOUBLINGS);
      const stale = oldest !== undefined && recipientPresent && Date.now() - Math.max(oldest.at, lastReceiptAt) > patience;
      if (stale) {
        quietResends++;
        ctx.log.info('the recipient confirmed nothing for a while; sending again what it did not confirm', { count: unreceipted.size, waited: `${patience / 1000} s` });
      }
      if (resendAll || stale) {
        resendAll = false;
        r.rewind();
      }
      const inFlight: { going: Claimed[]; receipts: boolean; confirmed: Promise<Map<string, string>> }[] = [];
      // acknowledged in one transaction per ACK_EVERY messages: each waits for the disk, and a crash only sends a few again
      let toAck: Claimed[] = [];
      const ackNow = () => {
        r.ack(toAck);
        toAck = [];
      };
      let sent = 0;
      let unclaimFrom: Claimed | undefined;
      // settle waits for the oldest batch in flight and acknowledges what the server accepted; false after a bounce
      const settle = async (): Promise<boolean> => {
        const { going, receipts, confirmed } = inFlight.shift()!;
        const bounced = await confirmed;
        const firstBounce = going.findIndex((cl) => bounced.has(cl.uid));
        const accepted = firstBounce < 0 ? going : going.slice(0, firstBounce);
        // what waits for a receipt stays claimed until it comes
        if (!receipts) toAck.push(...accepted);
        if (toAck.length >= ACK_EVERY) ackNow();
        sent += accepted.length;
        if (firstBounce < 0) return true;
        unclaimFrom = going[firstBounce];
        ctx.log.warn('the server bounced a message; it stays queued until the recipient is back', { id: unclaimFrom.uid, reason: bounced.get(unclaimFrom.uid) });
        awayUntil = Date.now() + (recipientPresent ? PRESENT_RETRY_MS : AWAY_RETRY_MS);
        return false;
      };
      let clean = false;
      // a steady stream keeps one drain going; it ends every MAX_DRAIN_MS
      const drainUntil = Date.now() + MAX_DRAIN_MS;
      try {
        for (;;) {
          const careful = recipientAway;
          const receipts = recipientReceipts;
          if (receipts && unreceipted.size >= MAX_UNRECEIPTED) {
            blockedOnReceipts = true;
            break;
          }
          const claimed = r.claim(careful ? 1 : (c.batch ?? 200));
          if (claimed.length === 0) {
            if (inFlight.length === 0 || Date.now() > drainUntil) break;
            // rows written while the oldest batch waits for the server's answer go at once, not after it: a server
            // may hold a small answer back for a while (Nagle's algorithm, waiting for this host's delayed ACK,
            // 40 ms on Linux), and what it sends meanwhile would wait with it
            const oldest = inFlight[0].confirmed.then(() => 'confirmed' as const, () => 'confirmed' as const);
            const next = await Promise.race([oldest, nextWrite()]);
            if (next === 'closed') break;
            if (next === 'confirmed' && !(await settle())) break;
            continue;
          }
          const going: Claimed[] = [];
          for (const cl of claimed) {
            const stop = loopStop(cl.message, c.user, maxHops);
            if (stop) {
              ctx.log.warn('kept a message back from a routing loop', { id: cl.uid, reason: stop });
              r.deadLetter(cl, ctx.key, stop);
            } else going.push(cl);
          }
          const out = going.map((cl) => {
            const m = cl.message;
            m.noforward = 1;
            m[PATH_FIELD] = [...pathOf(m), bareJid(c.account)];
            return { id: cl.uid, to: c.user!, body: encodeBody(m) };
          });
          if (receipts) {
            const now = Date.now();
            // sent again: it goes to the end, with its new time
            for (const cl of going) {
              unreceipted.delete(cl.uid);
              unreceipted.set(cl.uid, { cl, at: now });
            }
          }
          inFlight.push({ going, receipts, confirmed: (await link.send(out)).confirmed });
          if (inFlight.length >= (careful ? 1 : WINDOW) && !(await settle())) break;
        }
        while (inFlight.length) if (!(await settle())) break;
        // after a bounce, the batches sent behind it are waited for too: none is sent again while it may still arrive
        await Promise.allSettled(inFlight.map((f) => f.confirmed));
        clean = true;
      } finally {
        ackNow();
        // whatever was not acknowledged (bounced, after a bounce, unconfirmed) goes again, in order, next time
        if (!clean) r.rewind();
        else if (unclaimFrom) r.unclaim(unclaimFrom);
      }
      return sent;
    }

    // a session that cannot start (no TLS where it is required, a wrong password, no server) is tried again
    // after 1 s, doubling to a minute, and said once, not at every try
    let failedStarts = 0;
    let closed = false;
    let nextStart = 0;
    let startProblem = '';
    async function startLink(): Promise<boolean> {
      try {
        await link.start();
      } catch (e) {
        // the monitor is stopping: the start gave up for that
        if (closed) return false;
        const message = (e as Error).message;
        const waitMs = Math.min(MAX_START_DELAY_MS, 1000 * 2 ** failedStarts++);
        nextStart = Date.now() + waitMs;
        if (message !== startProblem) {
          startProblem = message;
          ctx.log.error('XMPP: cannot start a session; trying again, less and less often', { error: message });
          onEvent({ kind: 'error', message });
        }
        return false;
      }
      if (startProblem) ctx.log.info('XMPP: session started', { after: `${failedStarts} failed tries` });
      [failedStarts, startProblem] = [0, ''];
      return true;
    }

    let draining: Promise<unknown> | undefined;
    return {
      // a write to the queue starts a check at once: sending does not wait for the delay
      reads: c.user ? outbox : undefined,
      async check() {
        // a check that outlived its timeout may still be sending: never send from two checks at once
        if (draining) return {};
        // after a disconnect the client reconnects by itself; the queue waits until it is back
        if (started && !link.isOnline) return {};
        // a recipient that is away, whose server keeps no more for it, is sent to when its presence says it is back
        if (Date.now() < awayUntil) return {};
        try {
          if (!started) {
            if (Date.now() < nextStart) return {};
            if (!(await startLink())) return {};
            started = true;
          }
          // what goes before the recipient's presence says whether it sends receipts would be acknowledged on the
          // server's word, unless the outbox remembers what its last presence said
          const known = recall() || recipientHeard;
          if (!known && Date.now() - firstOnlineAt < PRESENCE_WAIT_MS) return {};
          draining = drain()
            .then(
              () => {},
              (e: unknown) => onEvent({ kind: 'error', message: (e as Error).message }),
            )
            .finally(() => (draining = undefined));
          await atMost(draining, MAX_CHECK_WAIT_MS);
          return {};
        } catch (e) {
          onEvent({ kind: 'error', message: (e as Error).message });
          return {};
        }
      },
      async close() {
        closed = true;
        await link.stop().catch(() => {});
        // a drain still running ends with the link (what it sent unconfirmed stays queued) before its reader closes
        await atMost(draining, MAX_CHECK_WAIT_MS);
        receiver.close();
        reader?.close();
        reader = undefined;
        outboxWake?.close();
      },
    };
  },
});
