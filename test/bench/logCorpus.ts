/**
 * A reproducible, realistic log corpus for the matcher benchmark: kubelet/syslog lines, `kubectl
 * get events` rows, JSON log lines with escaped Azure errors, containerd noise. Codes and reasons
 * are planted at known offsets; near-misses (`MyVMExtensionProvisioningErrorX`) must not match.
 * ASCII only, so byte offsets (grep) and UTF-16 offsets (the matcher) are the same numbers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { seededRandom } from './common';

export interface Term {
  term: string;
  id: string;
}

export interface Corpus {
  file: string;
  bytes: number;
  lines: number;
  /** Every planted occurrence the matcher must find, sorted by offset. */
  plants: { offset: number; id: string; literal: boolean }[];
  /** How many planted occurrences grep -F -w can see (written with single spaces). */
  literalPlants: number;
  nearMisses: number;
}

const CORPUS_VERSION = 4;

export const NEAR_MISSES: readonly string[] = [
  'MyVMExtensionProvisioningErrorX', 'VMExtensionProvisioningErrors', 'VMExtensionProvisioningError_2',
  'InvalidParameterValue', 'NodeRebootStartX', 'xNodeReimageEnd', '9TooManyVMRedeploymentRequests',
  'ManagedIdentityCredential authentication failedX', 'ManagedIdentityCredentialX authentication failed',
  'vmextensionprovisioningerror', 'VMExtension ProvisioningError', 'NodeRebootStar', 'NodeRedeployErro',
  'OutboundConnectivityNotEnabledOnVMSSv2', 'scaleSetNameAndInstanceIDFromProviderID failedover',
];

const HOSTS = Array.from({ length: 40 }, (_, i) => `aks-${['system', 'userpool', 'gpupool'][i % 3]}-12345678-vmss${i.toString(36).padStart(6, '0')}`);
const KUBELET_MESSAGES = [
  '"Recording event message for node" event="NodeHasSufficientMemory"',
  '"Node became not ready" condition={"type":"Ready","status":"False","reason":"KubeletNotReady"}',
  '"Failed to get status for pod" err="rpc error: code = Unavailable desc = connection refused"',
  '"SyncLoop (PLEG): event for pod" pod="kube-system/azure-cns-7h2kq" event={"Type":"ContainerStarted"}',
  '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"web\\" with CrashLoopBackOff"',
  '"Successfully registered node" node="aks-userpool-12345678-vmss000003"',
  '"Updating node status" resourceVersion="982374"',
];
const NOISE_REASONS = ['NodeNotReady', 'RegisteredNode', 'NodeReady', 'Starting', 'NodeHasSufficientMemory', 'NodeAllocatableEnforced'];
const CONTAINERD = [
  'level=info msg="StartContainer for \\"3f2a9c\\" returns successfully"',
  'level=error msg="ContainerStatus for \\"9e1b7d\\" failed" error="rpc error: code = NotFound desc = an error occurred when try to find container"',
  'level=info msg="PullImage \\"mcr.microsoft.com/oss/kubernetes/pause:3.6\\" returns image reference \\"sha256:6270bb60\\""',
  'level=warning msg="cleanup warnings time=\\"2025-01-12T10:23:45Z\\" level=info msg=\\"starting signal loop\\""',
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const WORD = /[A-Za-z0-9_]/;

/**
 * Terms that occur in the background text itself (`status is now: NodeNotReady`) are real
 * occurrences too. Background strings hold no whitespace escapes, so a plain whole-word check is
 * the matcher's rule here.
 */
function plantBackground(line: string, spans: { from: number; to: number }[], terms: readonly Term[], base: number, plants: Corpus['plants']): void {
  for (const span of spans) {
    const part = line.slice(span.from, span.to);
    for (const t of terms) {
      for (let i = part.indexOf(t.term); i >= 0; i = part.indexOf(t.term, i + 1)) {
        const start = span.from + i;
        const end = start + t.term.length;
        if (!WORD.test(line[start - 1] ?? ' ') && !WORD.test(line[end] ?? ' ')) {
          plants.push({ offset: base + start, id: t.id, literal: true });
        }
      }
    }
  }
}

/**
 * Builds (or reuses) `bench-data/realistic-<bytes>.log` and its manifest of planted occurrences.
 * Reuse is keyed by size, corpus version and the terms, so a catalog change regenerates it.
 */
export function ensureCorpus(targetBytes: number, terms: readonly Term[]): Corpus {
  const dir = path.join(path.resolve(__dirname, '../../..'), 'bench-data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `realistic-${targetBytes}.log`);
  const manifestFile = `${file}.json`;
  const termKey = terms.map((t) => `${t.id}=${t.term}`).join('|');
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Corpus & { version: number; termKey: string };
    if (manifest.version === CORPUS_VERSION && manifest.termKey === termKey && fs.statSync(file).size === manifest.bytes) {
      return manifest;
    }
  } catch {
    // not there yet
  }

  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const reasons = terms.filter((t) => /^Node(Reboot|Reimage|Redeploy)(Start|End|Error)$/.test(t.term));
  // Codes as AKS writes them after "operation failure:"; the topic terms (NodeNotReady, the
  // aka.ms errors link) appear in the background text and are found by the scan below.
  const codes = terms.filter((t) => !reasons.includes(t) && t.term !== 'NodeNotReady' && !t.term.includes('/'));
  const akaLink = terms.find((t) => t.term.includes('aka.ms/'));
  const plants: Corpus['plants'] = [];
  let offset = 0;
  let lines = 0;
  let nearMisses = 0;
  const fd = fs.openSync(file, 'w');
  let batch: string[] = [];
  let batchLength = 0;

  /** The text of a code as written, and whether it is grep-visible (single spaces). */
  const codeText = (t: Term): { text: string; literal: boolean } => {
    if (!t.term.includes(' ')) {
      return { text: t.term, literal: true };
    }
    const r = random();
    if (r < 0.6) {
      return { text: t.term, literal: true };
    }
    // Azure errors inside JSON strings break lines as `\n` escapes; some tools pad with spaces.
    return { text: t.term.replace(/ /g, r < 0.85 ? '\\n   ' : '  '), literal: false };
  };

  for (let second = 0; offset < targetBytes; second++) {
    const t = new Date(Date.UTC(2025, 0, 12, 8, 0, 0) + second * 37);
    const host = pick(HOSTS);
    const time = `${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}`;
    const iso = t.toISOString();
    const parts: (string | { term: Term; text: string; literal: boolean })[] = [];
    const r = random();
    const roll = random();
    const plantCode = roll < 0.06;
    const nearMiss = roll >= 0.06 && roll < 0.08;
    const code = plantCode ? pick(codes) : undefined;
    const miss = nearMiss ? pick(NEAR_MISSES) : undefined;
    const codePart = (): (typeof parts)[number] => {
      if (code) {
        const { text, literal } = codeText(code);
        return { term: code, text, literal };
      }
      if (miss) {
        nearMisses++;
        return miss;
      }
      return 'OperationNotAllowed';
    };
    if (r < 0.35) {
      // syslog + kubelet klog
      parts.push(`Jan 12 ${time} ${host} kubelet[2417]: I0112 ${time}.${pad(second % 1_000_000, 6)}    2417 kubelet_node_status.go:${400 + (second % 90)}] `);
      if (code || miss) {
        parts.push('"Node problem reported" node="', host, '" detail="extension failed: ', codePart(), '"');
      } else {
        parts.push(pick(KUBELET_MESSAGES), ' node="', host, '"');
      }
    } else if (r < 0.6) {
      // kubectl get events -A
      const repair = random() < 0.3;
      const reason = repair ? pick(reasons) : undefined;
      parts.push(`default     ${1 + (second % 59)}m         ${reason?.term.endsWith('Error') ? 'Warning' : 'Normal '}   `);
      parts.push(reason ? { term: reason, text: reason.term, literal: true } : pick(NOISE_REASONS));
      parts.push(`   node/${host}   `);
      if (reason?.term.endsWith('Error') && !code && !miss && akaLink && random() < 0.5) {
        parts.push('Node auto-repair reboot action failed due to an operation failure. Learn more: ', { term: akaLink, text: akaLink.term, literal: true });
      } else if (reason?.term.endsWith('Error') || code || miss) {
        parts.push('Node auto-repair reboot action failed due to an operation failure: ', codePart());
      } else if (reason) {
        parts.push('Node auto-repair is initiating a reboot action due to NotReady status persisting for more than five minutes.');
      } else {
        parts.push(`Node ${host} status is now: NodeNotReady`);
      }
    } else if (r < 0.85) {
      // JSON lines with an escaped Azure error inside
      parts.push(`{"ts":"${iso}","level":"${code || miss ? 'error' : 'info'}","caller":"remediator/repair.go:${100 + (second % 300)}","node":"${host}","msg":`);
      if (code || miss) {
        parts.push('"repair failed","error":"{\\"error\\":{\\"code\\":\\"', codePart(), '\\",\\"message\\":\\"The operation failed.\\\\nRetry later.\\"}}"}');
      } else {
        parts.push(`"reconciled node","durationMs":${(second * 7) % 1000},"attempt":${second % 4}}`);
      }
    } else {
      parts.push(`time="${iso}" `, pick(CONTAINERD));
      if (code || miss) {
        parts.push(' cause="', codePart(), '"');
      }
    }
    let line = '';
    const background: { from: number; to: number }[] = [];
    for (const p of parts) {
      if (typeof p === 'string') {
        background.push({ from: line.length, to: line.length + p.length });
        line += p;
      } else {
        plants.push({ offset: offset + line.length, id: p.term.id, literal: p.literal });
        line += p.text;
      }
    }
    plantBackground(line, background, terms, offset, plants);
    line += '\n';
    offset += line.length;
    lines++;
    batch.push(line);
    batchLength += line.length;
    if (batchLength > 4 * 1024 * 1024) {
      fs.writeSync(fd, batch.join(''));
      batch = [];
      batchLength = 0;
    }
  }
  fs.writeSync(fd, batch.join(''));
  fs.closeSync(fd);
  plants.sort((a, b) => a.offset - b.offset);
  const corpus: Corpus = { file, bytes: offset, lines, plants, literalPlants: plants.filter((p) => p.literal).length, nearMisses };
  fs.writeFileSync(manifestFile, JSON.stringify({ ...corpus, version: CORPUS_VERSION, termKey }));
  return corpus;
}
