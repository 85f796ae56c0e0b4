import type { MonitorPluginDef } from '../monitor-plugin.js';
import Command from './command.js';
import Directory from './directory.js';
import DiskSpace from './disk-space.js';
import FileTail from './file-tail.js';
import Idle from './idle.js';
import Pulse from './pulse.js';
import RSS from './rss.js';
import Uptime from './uptime.js';
import XMPP from './xmpp.js';
import XMPPPresence from './xmpp-presence.js';

/** monitorPlugins are all monitor plugins by name. */
export const monitorPlugins: ReadonlyMap<string, MonitorPluginDef> = new Map([Command, Directory, DiskSpace, FileTail, Idle, Pulse, RSS, Uptime, XMPP, XMPPPresence].map((p) => [p.name, p] as const));
