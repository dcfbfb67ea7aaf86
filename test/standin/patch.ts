/**
 * PATCH bodies as the API server applies them: JSON merge patch (RFC 7396), strategic merge patch
 * (kubectl's default: a merge patch with `$` directives; lists are replaced, which is what the
 * stand-in's patchable fields need) and JSON patch (RFC 6902). Failures throw StandInError.
 */

import { StandInError } from './status';

export type PatchType = 'json' | 'merge' | 'strategic';

const CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

/** The patch type of a Content-Type header, or a 415 as the real server answers. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = CONTENT_TYPES[(contentType ?? '').split(';')[0].trim().toLowerCase()];
  if (!type) {
    throw new StandInError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(CONTENT_TYPES).join(', ')}`);
  }
  return type;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The patched copy of `target` (which is not changed). */
export function applyPatch<T extends object>(target: T, body: string, type: PatchType): T {
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch (err) {
    throw new StandInError(400, 'BadRequest', `error decoding patch: ${(err as Error).message}`);
  }
  const copy = structuredClone(target) as unknown as Json;
  if (type === 'json') {
    return jsonPatch(copy, patch) as unknown as T;
  }
  if (!isMap(patch)) {
    throw new StandInError(400, 'BadRequest', 'error decoding patch: the patch is not a JSON object');
  }
  return mergePatch(copy, patch, type === 'strategic') as unknown as T;
}

function mergePatch(target: Json, patch: Json, strategic: boolean): Json {
  if (!isMap(patch)) {
    return patch;
  }
  if (strategic && patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return rest;
  }
  const out: Record<string, Json> = isMap(target) ? { ...target } : {};
  if (strategic && Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(out)) {
      if (!patch.$retainKeys.includes(key)) {
        delete out[key];
      }
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) {
      // `$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...`: ordering and list hints.
      continue;
    }
    if (value === null || (strategic && isMap(value) && value.$patch === 'delete')) {
      delete out[key];
    } else {
      out[key] = mergePatch(out[key] ?? null, value, strategic);
    }
  }
  return out;
}

function jsonPatch(doc: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) {
    throw new StandInError(400, 'BadRequest', 'error decoding patch: a JSON patch is an array of operations');
  }
  let current = doc;
  for (const op of patch as { op?: string; path?: string; value?: Json }[]) {
    const parts = pointer(op.path);
    if (parts.length === 0) {
      throw new StandInError(422, 'Invalid', 'the root of the object cannot be patched');
    }
    const parent = walk(current, parts.slice(0, -1));
    const last = parts[parts.length - 1];
    switch (op.op) {
      case 'add': case 'replace':
        if (Array.isArray(parent)) {
          const index = last === '-' ? parent.length : Number(last);
          parent.splice(index, op.op === 'replace' ? 1 : 0, op.value ?? null);
        } else {
          if (op.op === 'replace' && !(last in parent)) {
            throw new StandInError(422, 'Invalid', `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${op.path}`);
          }
          parent[last] = op.value ?? null;
        }
        break;
      case 'remove':
        if (Array.isArray(parent)) {
          parent.splice(Number(last), 1);
        } else {
          if (!(last in parent)) {
            throw new StandInError(422, 'Invalid', `the server rejected our request due to an error in our request: remove operation does not apply: doc is missing path: ${op.path}`);
          }
          delete parent[last];
        }
        break;
      case 'test':
        if (JSON.stringify((parent as Record<string, Json>)[last]) !== JSON.stringify(op.value)) {
          throw new StandInError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${op.path} failed`);
        }
        break;
      default:
        throw new StandInError(400, 'BadRequest', `error decoding patch: unsupported operation ${String(op.op)}`);
    }
    current = doc;
  }
  return current;
}

function pointer(path: string | undefined): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new StandInError(400, 'BadRequest', `error decoding patch: invalid path ${String(path)}`);
  }
  return path === '' ? [] : path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function walk(doc: Json, parts: string[]): Record<string, Json> | Json[] {
  let current: Json = doc;
  for (const part of parts) {
    const next: Json | undefined = Array.isArray(current) ? current[Number(part)] : isMap(current) ? current[part] : undefined;
    if (next === undefined) {
      throw new StandInError(422, 'Invalid', `the server rejected our request due to an error in our request: doc is missing path: /${parts.join('/')}`);
    }
    current = next;
  }
  if (!Array.isArray(current) && !isMap(current)) {
    throw new StandInError(422, 'Invalid', `the server rejected our request due to an error in our request: /${parts.join('/')} is not a container`);
  }
  return current;
}
