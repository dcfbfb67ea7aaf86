/**
 * A stand-in for the Azure CLI, for the simulated Azure of `npm start` and the vscode tier: an
 * `az` on PATH that answers `az account get-access-token` (what @azure/identity's
 * AzureCliCredential runs: `account get-access-token --output json --resource R [--tenant T]`)
 * with the ARM stand-in's token, valid for an hour from each call. Anything else fails as a real
 * `az` does when asked something it cannot do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerSecret } from './secrets';

export interface FakeAzureCliOptions {
  /** The bearer token the ARM stand-in accepts. */
  readonly token: string;
  readonly subscription: string;
  readonly tenant: string;
}

/** Writes `dir/az` and returns `dir`, to put first on PATH. */
export function writeFakeAzureCli(dir: string, options: FakeAzureCliOptions): string {
  registerSecret('the simulated az access token', options.token);
  fs.mkdirSync(dir, { recursive: true });
  const json = (value: string): string => JSON.stringify(value).replace(/'/g, "'\\''");
  const script = `#!/bin/sh
# Simulated Azure CLI (test/harness/fakeAzureCli.ts): only "az account get-access-token".
if [ "$1" = "account" ] && [ "$2" = "get-access-token" ]; then
  now=$(date +%s)
  expires=$((now + 3600))
  expires_on_text=$(date -d "@$expires" '+%Y-%m-%d %H:%M:%S.000000')
  printf '{\\n  "accessToken": %s,\\n  "expiresOn": "%s",\\n  "expires_on": %s,\\n  "subscription": %s,\\n  "tenant": %s,\\n  "tokenType": "Bearer"\\n}\\n' \\
    '${json(options.token)}' "$expires_on_text" "$expires" '${json(options.subscription)}' '${json(options.tenant)}'
  exit 0
fi
echo "ERROR: the simulated Azure CLI only answers 'az account get-access-token'." >&2
exit 2
`;
  const file = path.join(dir, 'az');
  fs.writeFileSync(file, script, { mode: 0o755 });
  return dir;
}
