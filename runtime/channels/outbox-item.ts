import type { Message } from '../pipeline-api.js';

/**
 * OutboxItem is one notification waiting in a channel's outbox: what the
 * channel's templates made of the message (`payload`, never a secret: those
 * stay in the config) and the fields storm control and digests read.
 */
export interface OutboxItem {
  readonly key: string;
  readonly status: string;
  readonly hostname: string;
  readonly subject: string;
  /** status_previous as the Status plugin set it: an OK with one is a recovery. */
  readonly recovered: boolean;
  /** queued_at: when the item entered the outbox (ms); a channel gives up this long after it. */
  readonly queued_at: number;
  /** failed: the channels whose failure report this is (a report about a report names both), none of which carries it. */
  readonly failed?: readonly string[];
  readonly payload: Record<string, unknown>;
}

/** DeliveryError is a provider's refusal or a failure to reach it; a permanent one is not tried again. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Delivery is one send: the items (one, or a digest's), and the key that names it for providers that take one. */
export interface Delivery {
  readonly items: readonly OutboxItem[];
  /** idempotencyKey is the same every time the same items are tried, across crashes. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

/** ChannelSender is what a channel plugin gives the worker of its outbox. */
export interface ChannelSender {
  /** send resolves once the provider accepted the delivery; it rejects with a DeliveryError otherwise. */
  send(d: Delivery): Promise<void>;
  /** render makes a payload of a message the worker composes itself (a storm digest). */
  render(m: Message): Record<string, unknown>;
  close?(): void;
}

/** ChannelSpec is a channel as a rule tree configures it. */
export interface ChannelSpec {
  readonly name: string;
  readonly plugin: string;
  /** dir is the outbox queue directory. */
  readonly dir: string;
  readonly sender: ChannelSender;
  readonly timeoutMs: number;
  readonly giveUpMs: number;
  /** retryMs: the first retry's delay; each next one doubles (up to 5 min), with ±50% jitter. */
  readonly retryMs: number;
  /** digestMs: collect items this long and send them as one (e-mail digests); 0 sends each alone. */
  readonly digestMs: number;
  /** limit: at most `count` items per key in `windowMs`; the rest go into one digest per key. */
  readonly limit?: { readonly count: number; readonly windowMs: number };
}
