// HTTP Basic authentication (RFC 7617) in front of /wsman. Credentials are checked by an
// injected Authenticator (XenAPI login, remembered briefly) and never logged.
import type { Principal } from '../cim/operation-context.js';

export interface Authenticator {
  /** The principal, or undefined for wrong credentials. Throws when the back end cannot tell. */
  authenticate(user: string, password: string, remoteAddress: string): Promise<Principal | undefined>;
  /** The principal of a login remembered and still valid, without waiting; undefined otherwise. */
  remembered?(user: string, password: string, remoteAddress: string): Principal | undefined;
  /** Whether the back end accepted these credentials lately (they still have to be checked). */
  provenBefore?(user: string, password: string): boolean;
  /**
   * Whether a principal `remembered` gave is still as good as a new look-up would make it (its
   * login still remembered, not replaced): what lets a connection's next request with the same
   * Authorization header skip decoding and hashing it.
   */
  stillRemembered?(principal: Principal): boolean;
}

export const WWW_AUTHENTICATE = 'Basic realm="WS-Management"';

export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * The credentials of an `Authorization: Basic …` header; undefined when the header is
 * absent; null when present but not usable Basic credentials.
 */
export function parseBasic(header: string | undefined): BasicCredentials | undefined | null {
  if (header === undefined) return undefined;
  const m = /^basic[ \t]+([A-Za-z0-9+/=_-]+)[ \t]*$/i.exec(header);
  if (!m || m[1] === undefined) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  // RFC 7617 §2: neither part may hold control characters (xapi's XML-RPC could not carry them anyway).
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
