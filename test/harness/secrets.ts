/**
 * The stand-ins' secrets, known in one place. Stand-ins and test helpers register each credential
 * where they create it (bearer tokens, the TLS key, exec plugin arguments, the simulated `az`'s
 * token); a tier's last check scans everything the code under test produced (log lines, problems,
 * reports, panels, notifications) with `findSecrets` and expects nothing.
 *
 * A leak is rarely the secret as written: it also looks for the forms a careless path produces,
 * base64 (a kubeconfig's `*-data`, a Basic header; standard and URL-safe, at each of the three
 * byte alignments, so a secret inside a longer encoded blob is found too), URL-encoding, a JSON
 * string's escaping, and a PEM key by each line of its body. Plus two shapes no one needs to
 * register: a PEM private key header and a JWT.
 *
 * One registry per process: the vscode tier's ARM stand-in runs in the process that launches VS
 * Code and hands its registry over through its control endpoint (`ArmControl.secrets()`).
 */

export interface RegisteredSecret {
  /** What it is, for the report of a leak: `API stand-in bearer token`. Never the value. */
  readonly what: string;
  readonly value: string;
}

export interface SecretFinding {
  readonly what: string;
  /** `as written`, `base64`, `URL-encoded`, `PEM line 2`, ..., or the unregistered shape's name. */
  readonly form: string;
  /** Where in the text, with the secret itself masked. */
  readonly context: string;
}

/** Shorter values are too likely to occur by chance (and are not credentials). */
export const MIN_SECRET_LENGTH = 10;

const registry = new Map<string, string>();

/** Registers `value` (ignored when shorter than MIN_SECRET_LENGTH); returns it, to wrap an assignment. */
export function registerSecret(what: string, value: string): string {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && !registry.has(value)) {
    registry.set(value, what);
  }
  return value;
}

/** A PEM private key: the whole text and each line of its body. */
export function registerPrivateKey(what: string, pem: string): string {
  registerSecret(what, pem.trim());
  pemBodyLines(pem).forEach((line, i) => registerSecret(`${what} (PEM line ${i + 1})`, line));
  return pem;
}

export function registeredSecrets(): RegisteredSecret[] {
  return [...registry].map(([value, what]) => ({ what, value }));
}

/** Adds another process's registry (the vscode tier's ARM stand-in, see ArmControl.secrets()). */
export function registerAll(secrets: readonly RegisteredSecret[]): void {
  secrets.forEach((s) => registerSecret(s.what, s.value));
}

/**
 * A kubeconfig user entry's credentials: token, password, key data, and the exec plugin's
 * arguments and environment values (flag names such as `--login` are not secrets and are skipped).
 */
export function registerKubeconfigUser(what: string, user: unknown): void {
  if (typeof user !== 'object' || user === null) {
    return;
  }
  const u = user as { token?: unknown; password?: unknown; 'client-key-data'?: unknown; exec?: { args?: unknown; env?: unknown } };
  for (const field of ['token', 'password', 'client-key-data'] as const) {
    if (typeof u[field] === 'string') {
      registerSecret(`${what}: ${field}`, u[field]);
    }
  }
  const args = Array.isArray(u.exec?.args) ? u.exec.args : [];
  args.filter((a): a is string => typeof a === 'string' && !/^--?[a-z][a-z-]*$/i.test(a))
    .forEach((a, i) => registerSecret(`${what}: exec argument ${i + 1}`, a));
  const env = Array.isArray(u.exec?.env) ? u.exec.env as { name?: unknown; value?: unknown }[] : [];
  env.forEach((e) => typeof e.value === 'string' && registerSecret(`${what}: exec env ${String(e.name)}`, e.value));
}

function pemBodyLines(pem: string): string[] {
  return pem.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('-----'));
}

/**
 * base64 of `value` as it appears inside any longer encoding: for each alignment, the characters
 * that depend only on the value's own bytes (the first and last, mixed with neighbours, dropped).
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length >= 8) {
      out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...new Set(out)];
}

/** Each form of a value a leak may take, with its name. */
function formsOf(value: string): [form: string, text: string][] {
  const forms: [string, string][] = [['as written', value]];
  const add = (form: string, text: string): void => {
    if (text.length >= MIN_SECRET_LENGTH && !forms.some(([, t]) => t === text)) {
      forms.push([form, text]);
    }
  };
  add('URL-encoded', encodeURIComponent(value));
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  base64Forms(value).forEach((b) => add('base64', b));
  return forms;
}

/** Secrets no one registered: their shape is enough. */
const SHAPES: readonly [form: string, pattern: RegExp][] = [
  ['PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/g],
  ['JWT', /\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g],
];

function masked(text: string, at: number, length: number): string {
  const before = text.slice(Math.max(0, at - 60), at);
  const after = text.slice(at + length, at + length + 60);
  return `${before}<${length} characters>${after}`.replace(/\s+/g, ' ');
}

/** Every registered secret (in any of its forms) and every unregistered secret shape in `text`. */
export function findSecrets(text: string, secrets: readonly RegisteredSecret[] = registeredSecrets()): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const { what, value } of secrets) {
    for (const [form, needle] of formsOf(value)) {
      const at = text.indexOf(needle);
      if (at >= 0) {
        findings.push({ what, form, context: masked(text, at, needle.length) });
        break;
      }
    }
  }
  for (const [form, pattern] of SHAPES) {
    for (const m of text.matchAll(pattern)) {
      findings.push({ what: 'an unregistered secret', form, context: masked(text, m.index, m[0].length) });
    }
  }
  return findings;
}

/** One line per finding, for an assertion's message. */
export function describeFindings(findings: readonly SecretFinding[], where: string): string {
  return `${findings.length} secret(s) in ${where}:\n${findings.map((f) => `  - ${f.what} (${f.form}): …${f.context}…`).join('\n')}`;
}

/**
 * Proves the scanner finds what it is meant to: each registered secret planted (as written, as
 * base64 inside a longer blob, URL-encoded) in `sample` is found. Throws otherwise.
 */
export function selfTestScanner(sample: string): void {
  const secrets = registeredSecrets();
  if (secrets.length === 0) {
    throw new Error('No secret was registered: the stand-ins did not report theirs, so a scan would prove nothing.');
  }
  const secret = secrets[0];
  const plants: [string, string][] = [
    ['as written', `${sample}\nAuthorization: Bearer ${secret.value}\n`],
    ['inside base64', `${sample} data: ${Buffer.from(`user:x\n${secret.value}\n`).toString('base64')}`],
    ['URL-encoded', `${sample} ?t=${encodeURIComponent(secret.value)}`],
  ];
  for (const [how, text] of plants) {
    if (!findSecrets(text, [secret]).some((f) => f.what === secret.what)) {
      throw new Error(`The scanner missed ${secret.what} planted ${how}.`);
    }
  }
}
