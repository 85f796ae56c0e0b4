/** bareJid is a JID without its resource, in lower case: how an account is compared. */
export function bareJid(jid: string): string {
  return jid.split('/')[0].toLowerCase();
}
