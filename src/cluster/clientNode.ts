/**
 * Types of @kubernetes/client-node, which is ESM-only: this CommonJS code may name its types
 * (with resolution-mode) but must load it with `import()` (see loadClient in clusterBackend.ts).
 */

export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
export type KubeConfig = InstanceType<ClientNode['KubeConfig']>;
export type CoreV1Api = InstanceType<ClientNode['CoreV1Api']>;
export type ClientLoader = () => Promise<ClientNode>;
