// Builds three CommonJS bundles: the extension (loaded at activation, kept small), the
// guidance renderer (markdown-it), required when a guidance panel first opens, and the cluster
// client (@kubernetes/client-node, ~2 MB), required only when the Nodes view is first shown.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The extension reaches the lazy bundles through `require('./cluster.js')` / `require('./guidance.js')`. */
const lazyBundlesExternal = {
  name: 'lazy-bundles-external',
  setup(build) {
    build.onResolve({ filter: /\/cluster\/clusterBackend$/ }, () => ({ path: './cluster.js', external: true }));
    build.onResolve({ filter: /^\.\/guidanceRenderer$/ }, (args) =>
      (args.importer.includes('guidancePanel') ? { path: './guidance.js', external: true } : undefined));
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
  logLevel: 'warning',
};

const contexts = await Promise.all([
  esbuild.context({ ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazyBundlesExternal], metafile: true }),
  esbuild.context({ ...common, entryPoints: { guidance: 'src/guidance/guidanceRenderer.ts' }, outdir: 'dist', metafile: true }),
  esbuild.context({ ...common, entryPoints: { cluster: 'src/cluster/clusterBackend.ts' }, outdir: 'dist', metafile: true }),
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
