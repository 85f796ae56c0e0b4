import { listenForNotifications, startSessionBus } from './dbus-notifications.js';

/*
 * For the demo: a private D-Bus session bus with a notification daemon on
 * it, which prints what it is asked to show. Prints the bus address first;
 * ends, with its bus, on SIGTERM.
 */
const URGENCY = ['low', 'normal', 'critical'];
const bus = await startSessionBus();
const listener = await listenForNotifications(bus.address, (n) => {
  process.stdout.write(`desktop notification (${URGENCY[n.urgency ?? 1]}, ${n.app_icon}): ${n.summary} | ${n.body}\n`);
});
process.stdout.write(`bus ${bus.address}\n`);
process.on('SIGTERM', () => {
  listener.close();
  void bus.stop().then(() => process.exit(0));
});
