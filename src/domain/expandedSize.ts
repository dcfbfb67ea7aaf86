/**
 * About how long a parsed YAML document is once written out as JSON, aliases expanded. An alias
 * makes a small file name one list many times (a "billion laughs" document: a 1.4 KB kubeconfig
 * became 47 MB of text, measured) or name itself (a cycle, which JSON.stringify throws on). Each
 * distinct object is counted once, so the count takes time linear in the file. No `vscode` import.
 */

/** The JSON length of `value`, about, or `limit` when it is at least that long or circular. */
export function expandedSize(value: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  const visit = (v: unknown): number => {
    if (typeof v === 'string') {
      return v.length + 3;
    }
    if (typeof v !== 'object' || v === null) {
      return 6;
    }
    const known = sizes.get(v);
    if (known !== undefined) {
      return known;
    }
    // Reached again while still being counted: a cycle, which has no JSON form.
    sizes.set(v, limit);
    const array = Array.isArray(v);
    let size = 2;
    for (const [key, child] of Object.entries(v)) {
      size = Math.min(limit, size + (array ? 1 : key.length + 4) + visit(child));
    }
    sizes.set(v, size);
    return size;
  };
  return visit(value);
}
