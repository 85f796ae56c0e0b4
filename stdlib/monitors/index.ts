import type { MonitorPluginDef } from '../monitor-plugin.js';
import Command from './command.js';
import DiskSpace from './disk-space.js';
import FileTail from './file-tail.js';
import Pulse from './pulse.js';
import Uptime from './uptime.js';

/** monitorPlugins are all monitor plugins by name. */
export const monitorPlugins: ReadonlyMap<string, MonitorPluginDef> = new Map([Command, DiskSpace, FileTail, Pulse, Uptime].map((p) => [p.name, p] as const));
