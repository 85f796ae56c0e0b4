/** The part of irc-framework 4.14.0 (which ships no types) that the IRC channel uses. */
declare module 'irc-framework' {
  import { EventEmitter } from 'node:events';
  export class Client extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    connect(options: Record<string, unknown>): void;
    join(channel: string, key?: string): void;
    say(target: string, message: string): void;
    ping(message?: string): void;
    quit(message?: string): void;
    readonly connected: boolean;
  }
  const irc: { Client: typeof Client };
  export default irc;
}
