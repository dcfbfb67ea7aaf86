/** Entry point VS Code loads inside the extension host: runs every *.test.js of the vscode tier with mocha. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function collect(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      return collect(p);
    }
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const root = path.resolve(__dirname, '..');
  const grep = process.env.AKS_REPAIR_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  // activation.test runs first, in a host where nothing has loaded the lazy bundles yet.
  const order = (f: string): string => (path.basename(f) === 'activation.test.js' ? '' : f);
  for (const file of collect(root).sort((a, b) => order(a).localeCompare(order(b)))) {
    mocha.addFile(file);
  }
  console.log('[aks-node-repair] extension-host tests start');
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} vscode-tier test(s) failed.`)) : resolve()));
  });
}
