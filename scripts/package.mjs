// Builds the production bundles and packages the .vsix offline with @vscode/vsce; prints its size and contents.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const out = process.argv[2] ?? `${pkg.name}-${pkg.version}.vsix`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run(process.execPath, ['esbuild.mjs', '--production']);
// The README's screenshots are relative paths into docs/, which the .vsix does not carry and vsce
// cannot rewrite without a public repository URL: the packaged README names them instead.
fs.mkdirSync('out', { recursive: true });
const readme = fs.readFileSync('README.md', 'utf8').replace(/!\[([^\]]*)\]\(docs\/[^)]+\)/g, '*(Screenshot in the repository: $1.)*')
  .replace(/\[([^\]]+)\]\((?!https:|#)[^)]+\)/g, '$1');
fs.writeFileSync('out/README.package.md', readme);
// Dependencies are bundled, so vsce need not walk node_modules.
run(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--readme-path', 'out/README.package.md', '--out', out]);
const listing = execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
console.log(`\n${out}: ${(fs.statSync(out).size / 1024).toFixed(1)} KB`);
console.log(`contents:\n${listing.trim().split('\n').map((l) => `  ${l}`).join('\n')}`);
