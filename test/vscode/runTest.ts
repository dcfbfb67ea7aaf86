/**
 * Runs the vscode tier through `@vscode/test-electron`. Here it drives the offline VS Code
 * (code-server) through test/harness/code; with VSCODE_EXECUTABLE=/path/to/code, or
 * AKS_REPAIR_DOWNLOAD_VSCODE=1 where downloads work, the same suite runs in desktop VS Code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startControlledArmStandIn } from '../harness/armControl';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const shim = path.join(root, 'test', 'harness', 'code');
  const vscodeExecutablePath = process.env.AKS_REPAIR_DOWNLOAD_VSCODE === '1' ? undefined : (process.env.VSCODE_EXECUTABLE ?? shim);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ws-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  // The simulated Azure behind the simulated cluster: its CA must be in NODE_EXTRA_CA_CERTS when
  // the extension host starts, so it runs here, not inside the tests (see test/harness/armControl.ts).
  const arm = await startControlledArmStandIn();
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index'),
      launchArgs: [workspace],
      extensionTestsEnv: { AKS_REPAIR_TEST_WORKSPACE: workspace, ...arm.env },
    });
  } finally {
    await arm.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
