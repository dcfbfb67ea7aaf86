import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// Tests compile to out/test/unit/, so the repo root is three levels up.
const REPO_ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(REPO_ROOT, 'src');
const BUNDLE = path.join(REPO_ROOT, 'l10n', 'bundle.l10n.json');
const REGENERATE = 'run `npm run l10n` to regenerate l10n/bundle.l10n.json';

/** VS Code replaces a manifest string that is exactly `%key%` (its own pattern). */
const NLS_PLACEHOLDER = /^%([\w\d.-]+)%$/;

interface Site {
  readonly where: string;
}
interface Message extends Site {
  readonly message: string;
}
interface Problem extends Site {
  readonly problem: string;
}

/** `l10n.t` (from `import * as l10n from '@vscode/l10n'`) or `vscode.l10n.t`. */
function isL10nT(expr: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(expr) || expr.name.text !== 't') {
    return false;
  }
  const owner = expr.expression;
  if (ts.isIdentifier(owner)) {
    return owner.text === 'l10n';
  }
  return ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n'
    && ts.isIdentifier(owner.expression) && owner.expression.text === 'vscode';
}

/** Every message passed to l10n.t in one file, and every use the extractor could not read. */
function scanL10n(fileName: string, text: string): { messages: Message[]; problems: Problem[] } {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const messages: Message[] = [];
  const problems: Problem[] = [];
  const where = (node: ts.Node) => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isL10nT(node.expression)) {
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        messages.push({ where: where(node), message: first.text });
      } else {
        problems.push({ where: where(node), problem: `first argument must be one string literal, not \`${first?.getText(source) ?? ''}\`` });
      }
    } else if (ts.isPropertyAccessExpression(node) && isL10nT(node)
      && !(ts.isCallExpression(node.parent) && node.parent.expression === node)) {
      problems.push({ where: where(node), problem: `call \`${node.getText(source)}('literal text {0}', arg)\` directly` });
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === '@vscode/l10n'
      && node.importClause?.namedBindings && !ts.isNamespaceImport(node.importClause.namedBindings)) {
      problems.push({ where: where(node), problem: "import it as `import * as l10n from '@vscode/l10n'`" });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { messages, problems };
}

function scanSrc(): { messages: Message[]; problems: Problem[] } {
  const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const all = files.map((f) => scanL10n(path.posix.join('src', f.split(path.sep).join('/')), fs.readFileSync(path.join(SRC, f), 'utf8')));
  return { messages: all.flatMap((r) => r.messages), problems: all.flatMap((r) => r.problems) };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? v as Json : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Json;
}

/** Every `%key%` string anywhere in the manifest, with its JSON path. */
function manifestPlaceholders(value: unknown, at = ''): { key: string; at: string }[] {
  if (typeof value === 'string') {
    const m = NLS_PLACEHOLDER.exec(value);
    return m ? [{ key: m[1], at }] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => manifestPlaceholders(v, `${at}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => manifestPlaceholders(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** The manifest strings a user reads: each must be a `%key%` so that a language pack can replace it. */
function userVisibleManifestStrings(pkg: Json): { at: string; value: unknown }[] {
  const out: { at: string; value: unknown }[] = [];
  const push = (at: string, value: unknown) => {
    if (value !== undefined) {
      out.push({ at, value });
    }
  };
  push('displayName', pkg.displayName);
  push('description', pkg.description);
  push('capabilities.untrustedWorkspaces.description', obj(obj(pkg.capabilities).untrustedWorkspaces).description);
  const c = obj(pkg.contributes);
  arr(c.commands).map(obj).forEach((cmd, i) => {
    push(`contributes.commands[${i}].title`, cmd.title);
    push(`contributes.commands[${i}].category`, cmd.category);
  });
  for (const [where, containers] of Object.entries(obj(c.viewsContainers))) {
    arr(containers).map(obj).forEach((v, i) => push(`contributes.viewsContainers.${where}[${i}].title`, v.title));
  }
  for (const [container, views] of Object.entries(obj(c.views))) {
    arr(views).map(obj).forEach((v, i) => {
      push(`contributes.views.${container}[${i}].name`, v.name);
      push(`contributes.views.${container}[${i}].contextualTitle`, v.contextualTitle);
    });
  }
  const configurations = Array.isArray(c.configuration) ? c.configuration.map(obj) : [obj(c.configuration)];
  configurations.forEach((conf, i) => {
    push(`contributes.configuration[${i}].title`, conf.title);
    for (const [name, value] of Object.entries(obj(conf.properties))) {
      const prop = obj(value);
      for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) {
        push(`${name}.${field}`, prop[field]);
      }
      for (const field of ['enumDescriptions', 'markdownEnumDescriptions']) {
        arr(prop[field]).forEach((d, j) => push(`${name}.${field}[${j}]`, d));
      }
    }
  });
  arr(c.viewsWelcome).map(obj).forEach((w, i) => push(`contributes.viewsWelcome[${i}].contents`, w.contents));
  arr(c.walkthroughs).map(obj).forEach((w, i) => {
    push(`contributes.walkthroughs[${i}].title`, w.title);
    push(`contributes.walkthroughs[${i}].description`, w.description);
    arr(w.steps).map(obj).forEach((s, j) => {
      push(`contributes.walkthroughs[${i}].steps[${j}].title`, s.title);
      push(`contributes.walkthroughs[${i}].steps[${j}].description`, s.description);
      push(`contributes.walkthroughs[${i}].steps[${j}].media.altText`, obj(s.media).altText);
    });
  });
  return out;
}

describe('localization', () => {
  describe('scanner', () => {
    it('reads both call forms and flags what the bundle generator cannot read', () => {
      const { messages, problems } = scanL10n('x.ts', [
        "import * as vscode from 'vscode';",
        "import * as l10n from '@vscode/l10n';",
        "vscode.l10n.t('Hello {0}', name);",
        'l10n.t("It\'s {0}", 1);',
        'l10n.t(`plain template`);',
        'l10n.t(message);',
        'vscode.l10n.t(`Hi ${name}`);',
        "l10n.t({ message: 'm', comment: ['c'] });",
        'const t = vscode.l10n.t;',
        "import { t } from '@vscode/l10n';",
      ].join('\n'));
      assert.deepEqual(messages.map((m) => m.message), ['Hello {0}', "It's {0}", 'plain template']);
      assert.deepEqual(problems.map((p) => p.where), ['x.ts:6', 'x.ts:7', 'x.ts:8', 'x.ts:9', 'x.ts:10']);
    });
  });

  describe('code strings (l10n/bundle.l10n.json)', () => {
    const { messages, problems } = scanSrc();
    const bundle = JSON.parse(fs.readFileSync(BUNDLE, 'utf8')) as Record<string, unknown>;

    it('every l10n.t call under src/ has one string literal as its first argument', () => {
      assert.deepEqual(problems.map((p) => `${p.where}: ${p.problem}`), []);
    });

    it('every string used in src/ is in the bundle', () => {
      const missing = messages.filter((m) => !Object.hasOwn(bundle, m.message)).map((m) => `${m.where}: ${JSON.stringify(m.message)}`);
      assert.deepEqual(missing, [], `strings missing from the bundle; ${REGENERATE}`);
    });

    it('the bundle has no string that no code uses', () => {
      const used = new Set(messages.map((m) => m.message));
      const unused = Object.keys(bundle).filter((key) => !used.has(key));
      assert.deepEqual(unused, [], `bundle keys no code uses; ${REGENERATE}`);
    });

    it('the bundle is English: every value is its key', () => {
      const differing = Object.entries(bundle).filter(([key, value]) => value !== key).map(([key]) => key);
      assert.deepEqual(differing, [], REGENERATE);
    });
  });

  describe('manifest strings (package.nls.json)', () => {
    const pkg = readJson('package.json');
    const nls = readJson('package.nls.json');
    const placeholders = manifestPlaceholders(pkg);

    it('every %key% in package.json is in package.nls.json', () => {
      const missing = placeholders.filter((p) => !Object.hasOwn(nls, p.key)).map((p) => `${p.at}: %${p.key}%`);
      assert.deepEqual(missing, []);
    });

    it('package.nls.json has no key that package.json does not use', () => {
      const used = new Set(placeholders.map((p) => p.key));
      assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), []);
    });

    it('every user-visible manifest string is a %key%', () => {
      const literal = userVisibleManifestStrings(pkg)
        .filter(({ value }) => typeof value !== 'string' || !NLS_PLACEHOLDER.test(value))
        .map(({ at, value }) => `${at}: ${JSON.stringify(value)}`);
      assert.deepEqual(literal, []);
    });

    it('package.json points VS Code at the bundle folder', () => {
      assert.equal(path.resolve(REPO_ROOT, String(pkg.l10n)), path.dirname(BUNDLE));
    });
  });
});
