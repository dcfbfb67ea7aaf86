import * as tls from 'node:tls';

import type { AccessToken, TokenCredential } from '@azure/core-auth';

/**
 * How a process trusts the ARM stand-in without any test-only option in the code under test:
 * the stand-in's CA joins Node's default CA list (`tls.setDefaultCACertificates`, Node >= 22.19 /
 * 24.5), so clients built exactly as production builds them (no agent, no `ca`) verify the
 * stand-in's certificate; verification stays on. Returns the undo. A process started later
 * (VS Code in the vscode and ui tiers) gets `NODE_EXTRA_CA_CERTS=<standin.caFile>` instead.
 */
export function trustStandInCa(caPem: string): () => void {
  const setDefault = (tls as { setDefaultCACertificates?: (certs: string[]) => void }).setDefaultCACertificates;
  const getCerts = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  if (!setDefault || !getCerts) {
    throw new Error(`tls.setDefaultCACertificates needs Node >= 22.19 or 24.5 (this is ${process.version}); run this tier with the VS Code runtime's Node 24`);
  }
  const before = getCerts('default');
  setDefault([...before, caPem]);
  return () => setDefault(before);
}

/** A TokenCredential that hands out one fixed token and records the scopes it was asked for. */
export function fixedTokenCredential(token: string): TokenCredential & { scopes: string[][] } {
  const scopes: string[][] = [];
  return {
    scopes,
    getToken: async (requested: string | string[]): Promise<AccessToken> => {
      scopes.push(Array.isArray(requested) ? [...requested] : [requested]);
      return { token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
    },
  };
}
