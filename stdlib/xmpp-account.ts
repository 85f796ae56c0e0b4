import type { TlsMode } from '../runtime/xmpp/link.js';
import type { JsonSchema } from './plugin.js';

/** XmppAccount is the config of an XMPP login, as `xmppAccountKeys` describe it. */
export interface XmppAccount {
  account: string;
  password: string;
  host?: string;
  port?: number;
  tls?: TlsMode;
  tls_ca?: string;
}

/** xmppAccountKeys are the keys of an XMPP login, the same for the XMPP monitor and the XMPPChat channel. */
export const xmppAccountKeys: Record<string, JsonSchema> = {
  account: { type: 'string', pattern: '^[^@/\\s]+@[^@/\\s]+$', description: 'the JID to log in as, user@domain' },
  password: { type: 'string', description: 'the account\'s password' },
  host: { type: 'string', description: 'the XMPP server (default 127.0.0.1)' },
  port: { type: 'integer', minimum: 1, maximum: 65535, description: 'the server\'s port (default 5222, 5223 with tls: direct)' },
  tls: { enum: ['starttls', 'required', 'direct'], description: 'starttls: upgrade when the server offers it (default); required: refuse a server that does not; direct: TLS from the first byte (port 5223)' },
  tls_ca: { type: 'string', description: 'a PEM file with the CA that signed the server\'s certificate, when it is not one the system trusts' },
};
