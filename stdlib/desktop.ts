import type dbus from 'dbus-next';
import { DeliveryError } from '../runtime/channels/outbox-item.js';
import { str } from '../grammar/perl-values.js';
import type { Message } from '../runtime/pipeline-api.js';
import { parseTimeLength } from '../grammar/time-length.js';
import { defineChannel, urgencyOf, type ChannelConfig, type Urgency } from './channel.js';
import { fillTemplate } from './template.js';

/** dbusLibrary loads dbus-next at the first delivery: lint, the editor and every start without a Desktop channel go without it. */
let loaded: Promise<{ default: typeof dbus }> | undefined;
const dbusLibrary = () => (loaded ??= import('dbus-next'));

interface Config extends ChannelConfig {
  summary?: string;
  body?: string;
  icon?: string;
  expire?: string | number;
  app_name?: string;
  bus?: string;
}

const SUMMARY = '{$hostname}: {$subject}';
const BODY = '{$key} {$status}';
/** the freedesktop urgency levels: 0 low, 1 normal, 2 critical */
const LEVEL: Record<Urgency, number> = { low: 0, normal: 1, high: 1, critical: 2 };
const ICON: Record<Urgency, string> = { low: 'dialog-information', normal: 'dialog-information', high: 'dialog-warning', critical: 'dialog-error' };

const NAME = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';

function render(c: Config, m: Message): Record<string, unknown> {
  const urgency = urgencyOf(m);
  return { summary: fillTemplate(c.summary ?? SUMMARY, m), body: fillTemplate(c.body ?? BODY, m), urgency: LEVEL[urgency], icon: c.icon !== undefined ? fillTemplate(c.icon, m) : ICON[urgency] };
}

export default defineChannel<Config>({
  name: 'Desktop',
  summary: 'Show a notification on the desktop (freedesktop notifications over D-Bus, as notify-send does).',
  docs: 'Calls `org.freedesktop.Notifications.Notify` on the session bus (`bus`, default `$DBUS_SESSION_BUS_ADDRESS` of the reactor) with `summary` and `body` (`{$field}` templates; the body may hold the simple markup notification daemons read), `icon` (a name or a file; default dialog-error for `urgent` or CRITICAL, dialog-warning for WARNING, dialog-information otherwise), the urgency hint (critical for `urgent` or CRITICAL, low for OK, normal otherwise) and `expire` (a time length; default: the daemon\'s own). The daemon\'s reply delivers; no daemon on the bus (not logged in yet) is tried again.',
  properties: {
    summary: { type: 'string', description: `the summary template (default \`${SUMMARY}\`)` },
    body: { type: 'string', description: `the body template (default \`${BODY}\`)` },
    icon: { type: 'string', description: 'an icon name or path (a template)' },
    expire: { type: ['string', 'number'], description: 'how long the notification shows (a time length)' },
    app_name: { type: 'string', description: 'the application name shown (default wubot)' },
    bus: { type: 'string', description: 'a D-Bus address (default $DBUS_SESSION_BUS_ADDRESS)' },
  },
  required: [],
  templates: ['summary', 'body', 'icon'],
  check: (c) => (c.expire !== undefined && parseTimeLength(c.expire) === undefined ? [{ path: ['expire'], message: `\`${String(c.expire)}\` is not a time length` }] : []),
  examples: [{ title: 'on the laptop', config: { expire: '30s' }, input: { key: 'disk', subject: 'disk full', hostname: 'web1', status: 'CRITICAL' } }],
  render,
  sender(c) {
    const expire = c.expire === undefined ? -1 : Math.round((parseTimeLength(c.expire) ?? 0) * 1000);
    let bus: dbus.MessageBus | undefined;
    const drop = () => {
      bus?.disconnect();
      // disconnect only half-closes the socket: a bus that never answers (still authenticating) would keep it, and the process, open
      (bus as unknown as { _connection?: { stream?: { destroy?(): void } } } | undefined)?._connection?.stream?.destroy?.();
      bus = undefined;
    };
    const connect = (library: typeof dbus): dbus.MessageBus => {
      const address = c.bus ?? process.env.DBUS_SESSION_BUS_ADDRESS;
      if (!address) throw new DeliveryError('no D-Bus session bus: set `bus` or DBUS_SESSION_BUS_ADDRESS for the reactor', false);
      const b = library.sessionBus({ busAddress: address });
      b.on('error', () => {
        if (bus === b) drop();
      });
      return (bus = b);
    };
    return {
      async send({ items, signal }) {
        const { default: library } = await dbusLibrary();
        const p = items[0].payload;
        const msg = new library.Message({
          destination: NAME,
          path: PATH,
          interface: NAME,
          member: 'Notify',
          signature: 'susssasa{sv}i',
          body: [c.app_name ?? 'wubot', 0, str(p.icon), str(p.summary), str(p.body), [], { urgency: new library.Variant('y', Number(p.urgency)) }, expire],
        });
        // a call the bus never answers leaves the connection suspect: the next try opens a new one
        const onAbort = () => drop();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await (bus ?? connect(library)).call(msg);
        } catch (e) {
          // a bus that failed is opened again on the next try
          if (!(e instanceof library.DBusError)) drop();
          if (e instanceof DeliveryError) throw e;
          const err = e as { type?: string; text?: string; message?: string };
          throw new DeliveryError(`D-Bus: ${err.type ? `${err.type}: ${err.text ?? ''}` : (err.message ?? String(e))}`, err.type === 'org.freedesktop.DBus.Error.InvalidArgs');
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      },
      close: drop,
    };
  },
});
