import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import dbus from 'dbus-next';
import { stopChild, tempDir, waitFor } from './helpers.js';

/*
 * A private D-Bus session bus (Debian's dbus-daemon) and a notification
 * daemon on it: it owns org.freedesktop.Notifications and records each
 * Notify call as the specification defines its arguments.
 */

/** Notified is one Notify call. */
export interface Notified {
  readonly app_name: string;
  readonly replaces_id: number;
  readonly app_icon: string;
  readonly summary: string;
  readonly body: string;
  readonly actions: string[];
  readonly urgency: number | undefined;
  readonly expire_timeout: number;
}

export interface SessionBus {
  readonly address: string;
  readonly daemon: ChildProcess;
  stop(): Promise<void>;
}

/** startSessionBus runs a dbus-daemon with the session config on a socket of its own. */
export async function startSessionBus(): Promise<SessionBus> {
  const address = `unix:path=${join(tempDir('wubot-dbus-'), 'bus')}`;
  const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=${address}`, '--print-address'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  daemon.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  if (!(await waitFor(() => out.includes('unix:') || daemon.exitCode !== null, 10_000, 20)) || daemon.exitCode !== null) throw new Error('dbus-daemon did not start');
  return { address: out.trim().split('\n')[0], daemon, stop: () => stopChild(daemon) };
}

export interface NotificationListener {
  readonly calls: Notified[];
  /** refuse: answer Notify with this D-Bus error instead */
  refuse?: string;
  /** silent: record Notify and never answer it */
  silent?: boolean;
  close(): void;
}

/** listenForNotifications owns org.freedesktop.Notifications on the bus and records the calls; `onCall` sees each one. */
export async function listenForNotifications(address: string, onCall: (n: Notified) => void = () => {}): Promise<NotificationListener> {
  const bus = dbus.sessionBus({ busAddress: address });
  const listener: NotificationListener = { calls: [], close: () => bus.disconnect() };
  let nextId = 1;
  // dbus-next's types say newError takes a string; it takes the call it answers
  const error = (msg: dbus.Message, name: string, text: string) => bus.send(dbus.Message.newError(msg as unknown as string, name, text));
  bus.addMethodHandler((msg: dbus.Message) => {
    if (msg.interface !== 'org.freedesktop.Notifications') return false;
    if (msg.member === 'GetServerInformation') {
      bus.send(dbus.Message.newMethodReturn(msg, 'ssss', ['wubot-test', 'wubot', '1', '1.2']));
      return true;
    }
    if (msg.member !== 'Notify' || msg.signature !== 'susssasa{sv}i') {
      error(msg, 'org.freedesktop.DBus.Error.InvalidArgs', `unexpected ${msg.member}(${msg.signature})`);
      return true;
    }
    if (listener.refuse) {
      error(msg, listener.refuse, 'refused by the test');
      return true;
    }
    const [app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout] = msg.body as [string, number, string, string, string, string[], Record<string, dbus.Variant>, number];
    const n: Notified = { app_name, replaces_id, app_icon, summary, body, actions, urgency: hints.urgency?.value as number | undefined, expire_timeout };
    listener.calls.push(n);
    onCall(n);
    if (listener.silent) return true;
    bus.send(dbus.Message.newMethodReturn(msg, 'u', [nextId++]));
    return true;
  });
  const reply = await bus.requestName('org.freedesktop.Notifications', dbus.NameFlag.DO_NOT_QUEUE);
  if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) throw new Error('could not own org.freedesktop.Notifications');
  return listener;
}
