// What every provider call carries: who asks, in which language, until when.

export interface Principal {
  readonly user: string;
  /** how the user proved who they are */
  readonly authType: 'basic' | 'anonymous';
  readonly remoteAddress: string;
  /** the user's own XenAPI session, for writes (xapi's RBAC then decides) */
  readonly xenSession?: string;
  /** logs the user in again when the back end has forgotten the session */
  readonly renewXenSession?: () => Promise<string | undefined>;
}

export interface OperationContext {
  readonly principal: Principal;
  /** requested locale (wsman:Locale) */
  readonly locale: string | undefined;
  /** unique within the gateway's process, for correlating what one request caused */
  readonly requestId: string;
  /** aborted when the request's OperationTimeout passes or the client goes away */
  readonly signal: AbortSignal;
}
