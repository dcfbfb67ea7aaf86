/**
 * What the backend needs from a credential beyond `TokenCredential`, and the sign-in failure both
 * credentials throw. Types and one plain class, no @azure runtime: the VS Code adapter
 * (vscodeAuth.ts, in extension.js) and the CLI wrapper (in azure.js) both use it.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AzureProblemKind } from '../domain/diagnosis';

export interface RefreshableCredential extends TokenCredential {
  /** Where the token comes from: decides the next step after a 401 ("Sign in again" or `az login`). */
  readonly source?: 'vscode' | 'azureCli';
  /**
   * Called once after a 401: the token just used was refused, so the next `getToken` must not
   * hand it out again (ask for a fresh one, or fail with a sign-in error).
   */
  invalidate?(): void;
}

export type SignInProblemKind = Extract<AzureProblemKind, 'not-signed-in' | 'cli-missing' | 'wrong-tenant' | 'unauthorized'>;

/** The `name` of a sign-in failure: matched by name, since each bundle has its own copy of this class. */
export const SIGN_IN_ERROR_NAME = 'AzureSignInError';

/** A credential could not give a token; message and next step are already in the user's words. */
export class SignInError extends Error {
  override readonly name = SIGN_IN_ERROR_NAME;
  constructor(readonly kind: SignInProblemKind, message: string, readonly nextStep: string) {
    super(message);
  }
}

export interface SignInErrorLike {
  readonly name: typeof SIGN_IN_ERROR_NAME;
  readonly kind: SignInProblemKind;
  readonly message: string;
  readonly nextStep: string;
}

export function isSignInError(error: unknown): error is SignInErrorLike {
  const e = error as Partial<SignInErrorLike> | undefined;
  return typeof e === 'object' && e !== null && e.name === SIGN_IN_ERROR_NAME
    && typeof e.kind === 'string' && typeof e.message === 'string' && typeof e.nextStep === 'string';
}
