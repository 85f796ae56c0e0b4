import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/*
 * @xmpp/client opens its TLS sockets (STARTTLS and direct TLS) with
 * tls.connect and no way to pass options. Two things are set here instead,
 * for the XMPP servers a config names and nothing else:
 * - a direct-TLS connection to host:port is checked against the XMPP domain
 *   (as RFC 6120 says), not against the host name or address it dials;
 * - a server with a certificate of its own making is trusted through the CA
 *   file its config names, on top of the system's roots.
 * Verification itself stays on, as Node does it.
 */

const extraCa = new Map<string, string[]>();
const directNames = new Map<string, string>();
let wrapped = false;

function wrapConnect(): void {
  if (wrapped) return;
  wrapped = true;
  const connect = tls.connect;
  tls.connect = ((...args: unknown[]) => {
    const opts = args[0];
    if (opts && typeof opts === 'object') {
      let o = opts as tls.ConnectionOptions;
      const domain = o.servername === undefined && !o.socket ? directNames.get(`${o.host}:${o.port}`) : undefined;
      if (domain) o = { ...o, servername: domain };
      const ca = o.ca === undefined ? extraCa.get(String(o.servername ?? o.host ?? '').toLowerCase()) : undefined;
      if (ca) o = { ...o, ca };
      args[0] = o;
    }
    return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
  }) as typeof tls.connect;
}

/** trustCaFor makes TLS connections to the XMPP domain `domain` accept certificates signed by the CA in `caFile` (PEM). */
export function trustCaFor(domain: string, caFile: string): void {
  const pem = readFileSync(caFile, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`${caFile} holds no PEM certificate`);
  extraCa.set(domain.toLowerCase(), [...tls.rootCertificates, pem]);
  wrapConnect();
}

/** checkDirectTlsAs makes a direct-TLS connection to host:port check the certificate against the XMPP domain. */
export function checkDirectTlsAs(host: string, port: number, domain: string): void {
  directNames.set(`${host}:${port}`, domain.toLowerCase());
  wrapConnect();
}
