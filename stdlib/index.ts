import type { PluginDef } from './plugin.js';
// field plugins: change the message in place
import CaptureData from './capture-data.js';
import CleanText from './clean-text.js';
import CopyField from './copy-field.js';
import DeleteField from './delete-field.js';
import HashLookup from './hash-lookup.js';
import HTMLStrip from './html-strip.js';
import Presence from './presence.js';
import QuietHours from './quiet-hours.js';
import SetField from './set-field.js';
import Split from './split.js';
import Template from './template.js';
import TransformField from './transform-field.js';
// side-effect plugins: act on the message
import Console from './console.js';
import Graph from './graph.js';
import Log from './log.js';
import MessageQueue from './message-queue.js';
import SQLite from './sqlite.js';
import State from './state.js';
import Status from './status.js';
// notification channels: queue to an outbox that the reactor daemon delivers
import Desktop from './desktop.js';
import Email from './email.js';
import Gotify from './gotify.js';
import IRC from './irc.js';
import Matrix from './matrix.js';
import Ntfy from './ntfy.js';
import Pushover from './pushover.js';
import Slack from './slack.js';
import Webhook from './webhook.js';
import XMPPChat from './xmpp-chat.js';

/** reactorPlugins are all reactor plugins by name. */
export const reactorPlugins: ReadonlyMap<string, PluginDef> = new Map(
  [CaptureData, CleanText, CopyField, DeleteField, HashLookup, HTMLStrip, Presence, QuietHours, SetField, Split, Template, TransformField, Console, Graph, Log, MessageQueue, SQLite, State, Status, Desktop, Email, Gotify, IRC, Matrix, Ntfy, Pushover, Slack, Webhook, XMPPChat].map(
    (p) => [p.name, p] as const,
  ),
);
