// Regenerates l10n/bundle.l10n.json (the English bundle) from the l10n.t / vscode.l10n.t calls under src/.
// Uses @vscode/l10n-dev's extractor (what `l10n-dev export` runs) but sorts the keys, so that the
// committed bundle diffs by string rather than by file order, and writes `{}` when src has no strings
// yet (the CLI would leave a stale bundle). test/unit/l10n.test.ts checks the bundle against src.
import { getL10nJson } from '@vscode/l10n-dev';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outFile = path.join(root, pkg.l10n ?? './l10n', 'bundle.l10n.json');

const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
  .sort();
const extracted = await getL10nJson(files.map((f) => ({
  extension: path.extname(f),
  contents: fs.readFileSync(path.join(root, 'src', f), 'utf8'),
})));

const bundle = Object.fromEntries(Object.keys(extracted).sort().map((key) => [key, extracted[key]]));
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, `${JSON.stringify(bundle, undefined, 2)}\n`);
console.log(`${path.relative(root, outFile)}: ${Object.keys(bundle).length} strings from ${files.length} files`);
