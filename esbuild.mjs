// Builds CommonJS bundles: the extension (loaded at activation, kept small) and the lazy bundles
// in LAZY_BUNDLES, each a feature's internals that the extension requires on that feature's first
// use: the guidance renderer (markdown-it) when a guidance panel first opens, the cluster client
// (@kubernetes/client-node, ~2 MB) when the Nodes view is first shown, the Azure backend (the
// @azure/* clients, ~1.3 MB) when an Azure read first runs, the diagnosis panel and its renderers,
// the node actions (runners, confirmations, drain), the repair history's store and recorder (when a
// cluster first connects), the "Show Repair History" panel, the file scanner and the support report.
//   node esbuild.mjs [--production] [--watch] [--outdir DIR] [--metafile DIR]
// --outdir builds somewhere other than dist/ (test/unit/bundles.test.ts builds into a temp dir);
// --metafile writes each bundle's esbuild metafile as DIR/<bundle>.meta.json (what went into it).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** The value of `--name DIR` or `--name=DIR`. */
function option(name) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) {
    if (!args[i + 1] || args[i + 1].startsWith('--')) {
      throw new Error(`--${name} needs a directory`);
    }
    return args[i + 1];
  }
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const outdir = option('outdir') ?? 'dist';
const metafileDir = option('metafile');

/** Writes the bundle's metafile after every build (watch rebuilds included). */
const writeMetafile = (bundle) => ({
  name: 'write-metafile',
  setup(build) {
    build.onEnd((result) => {
      if (metafileDir && result.metafile) {
        fs.mkdirSync(metafileDir, { recursive: true });
        fs.writeFileSync(path.join(metafileDir, `${bundle}.meta.json`), JSON.stringify(result.metafile));
      }
    });
  },
});

/**
 * The lazy bundles: dist/<name>.js built from its entry. Each entry is a feature boundary: the code
 * that imports it does so with `import type` only and `require()`s it on the feature's first use.
 * .vscodeignore lists the same files.
 */
const LAZY_BUNDLES = {
  guidance: 'src/guidance/guidanceRenderer.ts',
  cluster: 'src/cluster/clusterBackend.ts',
  azure: 'src/azure/azureBackend.ts',
  diagnosis: 'src/diagnosis/diagnosisBundle.ts',
  actions: 'src/actions/actionsBundle.ts',
  historyStore: 'src/repairHistory/historyStoreBundle.ts',
  historyPanel: 'src/historyPanel/historyPanelBundle.ts',
  fileScan: 'src/fileErrors/fileScanBundle.ts',
  supportReport: 'src/commands/supportReportBundle.ts',
};
const lazyEntries = new Map(Object.entries(LAZY_BUNDLES).map(([name, entry]) => [path.resolve(entry), name]));

/**
 * An import of a lazy bundle's entry (from the extension or from another bundle) becomes
 * `require('./<name>.js')`, resolved beside the requiring bundle in dist/.
 */
const lazyBundlesExternal = {
  name: 'lazy-bundles-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') {
        return undefined;
      }
      const name = lazyEntries.get(path.resolve(args.resolveDir, `${args.path}.ts`));
      return name ? { path: `./${name}.js`, external: true } : undefined;
    });
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  external: ['vscode'],
  // Watch mode reports through watchReporter instead.
  logLevel: watch ? 'silent' : 'warning',
};

/**
 * In watch mode, one "[watch] build started" / "[watch] build finished" pair around each round of
 * rebuilds (all bundles), and each error as two lines (`✘ [ERROR] text`, `    file:line:col:`)
 * with no blank line between: the background problem matcher in .vscode/tasks.json reads exactly that.
 */
let building = 0;
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    if (!watch) {
      return;
    }
    build.onStart(() => {
      if (building++ === 0) {
        console.log('[watch] build started');
      }
    });
    build.onEnd((result) => {
      const report = (mark, severity) => ({ text, location }) => {
        console.error(`${mark} [${severity}] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      };
      result.errors.forEach(report('✘', 'ERROR'));
      result.warnings.forEach(report('▲', 'WARNING'));
      if (--building === 0) {
        console.log('[watch] build finished');
      }
    });
  },
};

const bundle = (name, entry) => esbuild.context({
  ...common, entryPoints: { [name]: entry }, outdir, metafile: true, plugins: [lazyBundlesExternal, writeMetafile(name), watchReporter],
});

const contexts = await Promise.all([
  bundle('extension', 'src/extension.ts'),
  ...Object.entries(LAZY_BUNDLES).map(([name, entry]) => bundle(name, entry)),
]);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  for (const ctx of contexts) {
    const result = await ctx.rebuild();
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.js')) {
        console.log(`${file}: ${(info.bytes / 1024).toFixed(1)} KB`);
      }
    }
    await ctx.dispose();
  }
}
