/**
 * Field and label selectors as the Kubernetes API server parses them (the subset the stand-in serves).
 * Parse failures throw SelectorError, which the server turns into a 400 BadRequest Status.
 */

export class SelectorError extends Error {}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on commas that are not escaped with a backslash (field selector values may escape `,` `=` `!` `\`). */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector || selector.trim() === '') {
    return [];
  }
  const requirements: FieldRequirement[] = [];
  for (const rawTerm of splitUnescaped(selector, ',')) {
    const term = rawTerm.trim();
    if (term === '') {
      continue;
    }
    // Find the first unescaped operator: '!=', '==' or '='.
    let opIndex = -1;
    let op: '=' | '!=' = '=';
    let opLength = 1;
    for (let i = 0; i < term.length; i++) {
      if (term[i] === '\\') {
        i++;
        continue;
      }
      if (term.startsWith('!=', i)) {
        opIndex = i; op = '!='; opLength = 2;
        break;
      }
      if (term.startsWith('==', i)) {
        opIndex = i; op = '='; opLength = 2;
        break;
      }
      if (term[i] === '=') {
        opIndex = i; op = '='; opLength = 1;
        break;
      }
    }
    if (opIndex <= 0) {
      throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    }
    requirements.push({
      field: term.slice(0, opIndex).trim(),
      op,
      value: unescapeValue(term.slice(opIndex + opLength).trim()),
    });
  }
  return requirements;
}

export function matchesFields(requirements: FieldRequirement[], valueOf: (field: string) => string): boolean {
  return requirements.every((r) => (valueOf(r.field) === r.value) === (r.op === '='));
}

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notExists' }
  | { key: string; op: 'in' | 'notIn'; values: string[] };

const LABEL_KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

/** Splits on commas that are not inside parentheses (`env in (a,b),tier`). */
function splitLabelTerms(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth--;
    }
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (!selector || selector.trim() === '') {
    return [];
  }
  const requirements: LabelRequirement[] = [];
  for (const rawTerm of splitLabelTerms(selector)) {
    const term = rawTerm.trim();
    const checkKey = (key: string): string => {
      if (!LABEL_KEY.test(key)) {
        throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
      }
      return key;
    };
    let m: RegExpMatchArray | null;
    if ((m = /^!\s*(\S+)$/.exec(term))) {
      requirements.push({ key: checkKey(m[1]), op: 'notExists' });
    } else if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      requirements.push({ key: checkKey(m[1]), op: m[2] === 'in' ? 'in' : 'notIn', values });
    } else if ((m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      requirements.push({ key: checkKey(m[1]), op: m[2] === '!=' ? 'notIn' : 'in', values: [m[3]] });
    } else if (/^[^=!\s()]+$/.test(term)) {
      requirements.push({ key: checkKey(term), op: 'exists' });
    } else {
      throw new SelectorError(`unable to parse requirement: found '${term}', expected: identifier`);
    }
  }
  return requirements;
}

export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case 'notExists': return !has;
      case 'in': return has && r.values.includes(l[r.key]);
      case 'notIn': return !has || !r.values.includes(l[r.key]);
    }
  });
}
