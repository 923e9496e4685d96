// Users, roles and sessions. Session refs are random, as in xapi (they are credentials).
import { randomUUID } from 'node:crypto';
import { DateTime, NULL_REF, type XenStruct } from './values.js';

export interface SimUser {
  readonly name: string;
  readonly password: string;
  readonly role: 'pool-admin' | 'read-only';
}

export const DEFAULT_SIM_USERS: readonly SimUser[] = Object.freeze([
  Object.freeze({ name: 'root', password: 'xenroot', role: 'pool-admin' as const }),
  Object.freeze({ name: 'monitor', password: 'monitor', role: 'read-only' as const }),
]);

export interface Session {
  readonly ref: string;
  readonly uuid: string;
  readonly user: SimUser;
  readonly originator: string;
  readonly created: DateTime;
}

export class Sessions {
  private readonly byRef = new Map<string, Session>();

  constructor(
    readonly users: readonly SimUser[],
    private readonly host: string,
  ) {}

  login(name: string, password: string, originator: string): Session | undefined {
    const user = this.users.find((u) => u.name === name && u.password === password);
    if (user === undefined) return undefined;
    const s: Session = {
      ref: `OpaqueRef:${randomUUID()}`,
      uuid: randomUUID(),
      user,
      originator,
      created: DateTime.fromMillis(Date.now()),
    };
    this.byRef.set(s.ref, s);
    return s;
  }

  get(ref: unknown): Session | undefined {
    return typeof ref === 'string' ? this.byRef.get(ref) : undefined;
  }

  logout(ref: string): boolean {
    return this.byRef.delete(ref);
  }

  /** Forgets every session, as a restarted xapi does: their refs answer SESSION_INVALID. */
  clear(): void {
    this.byRef.clear();
  }

  get count(): number {
    return this.byRef.size;
  }

  /** A minimal session record with xapi's field names. */
  record(s: Session): XenStruct {
    return {
      uuid: s.uuid,
      this_host: this.host,
      this_user: NULL_REF,
      last_active: s.created,
      pool: false,
      other_config: {},
      is_local_superuser: s.user.role === 'pool-admin',
      subject: NULL_REF,
      validation_time: s.created,
      auth_user_sid: '',
      auth_user_name: s.user.name,
      rbac_permissions: [],
      tasks: [],
      parent: NULL_REF,
      originator: s.originator,
      client_certificate: false,
    };
  }
}
