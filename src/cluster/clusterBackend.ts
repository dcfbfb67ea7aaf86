// Entry point of the lazily loaded cluster bundle (see esbuild.mjs).
export const CLUSTER_BACKEND_VERSION = 1;
