/**
 * Whether the history's storage works. Each kind of file work (creating the folder, taking the
 * lock, writing, reading, compacting) that fails is logged once per error code, not on every
 * try; it is tried again after a backoff that doubles up to a ceiling; and while it fails it is a
 * problem the views can show ("Repair history is not being recorded: <folder>: ENOSPC").
 */

import * as l10n from '@vscode/l10n';
import type { HistoryProblem } from '../domain/history';
import type { HistoryLog } from './historyFile';
import { code } from './writerLock';

export type StorageOperation = 'folder' | 'lock' | 'write' | 'read' | 'compact';

export interface StorageProblem {
  readonly operation: StorageOperation;
  /** The file or folder the operation failed on. */
  readonly path: string;
  /** The error's code (EACCES, ENOSPC …), else its name. */
  readonly code: string;
  /** Epoch ms of the first failure of this run of failures. */
  readonly since: number;
  /** Epoch ms from which it is tried again. */
  readonly retryAt: number;
}

export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Disk full (or over quota): freeing space is the next step. */
const NO_SPACE: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);
/** Not allowed (permissions, a read-only file system): the folder's permissions are the next step. */
const NOT_ALLOWED: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);

const WHAT: Record<StorageOperation, string> = {
  folder: 'creating the history folder',
  lock: 'taking or renewing the writer lock',
  write: 'writing records',
  read: 'reading the history file',
  compact: 'compacting the history file',
};

interface Failure {
  readonly problem: StorageProblem;
  readonly failures: number;
}

export class StorageHealth {
  private readonly failures = new Map<StorageOperation, Failure>();

  constructor(
    private readonly log: HistoryLog,
    private readonly now: () => number,
    private readonly policy: (operation: StorageOperation) => RetryPolicy,
    /** A problem started, changed its code, or ended. */
    private readonly onChange: () => void,
  ) {}

  /** Whether the operation may be tried now: it has not failed, or its backoff is over. */
  ready(operation: StorageOperation): boolean {
    const f = this.failures.get(operation);
    return f === undefined || this.now() >= f.problem.retryAt;
  }

  get(operation: StorageOperation): StorageProblem | undefined {
    return this.failures.get(operation)?.problem;
  }

  failed(operation: StorageOperation, path: string, err: unknown): void {
    const errorCode = code(err) ?? (err instanceof Error ? err.name : 'Error');
    const previous = this.failures.get(operation);
    const failures = (previous?.failures ?? 0) + 1;
    const { baseMs, maxMs } = this.policy(operation);
    const delay = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
    const now = this.now();
    const same = previous?.problem.code === errorCode && previous.problem.path === path;
    this.failures.set(operation, {
      failures,
      problem: { operation, path, code: errorCode, since: same ? previous.problem.since : now, retryAt: now + delay },
    });
    if (!same) {
      const text = err instanceof Error ? err.message : String(err);
      this.log.warn(`Repair history: ${WHAT[operation]} failed on ${path}: ${text}. Tried again after a pause (at most ${maxMs / 1000} s); not logged again while it fails the same way.`);
      this.onChange();
    }
  }

  succeeded(operation: StorageOperation): void {
    const f = this.failures.get(operation);
    if (!f) {
      return;
    }
    this.failures.delete(operation);
    this.log.info(`Repair history: ${WHAT[operation]} works again on ${f.problem.path} (it failed with ${f.problem.code} since ${new Date(f.problem.since).toISOString()}).`);
    this.onChange();
  }
}

/** The problem as the Nodes view and the history panel say it: what is wrong, and what to do. */
export function storageProblemText(problem: StorageProblem, folder: string): HistoryProblem {
  const message = problem.operation === 'read'
    ? l10n.t('The repair history cannot be read: {0}: {1}', problem.path, problem.code)
    : l10n.t('Repair history is not being recorded: {0}: {1}', folder, problem.code);
  return { message, nextStep: storageNextStep(problem.code, folder) };
}

/** What to do about a storage error code (also for a store that could not be opened at all). */
export function storageNextStep(errorCode: string, folder: string): string {
  if (NO_SPACE.has(errorCode)) {
    return l10n.t('Free disk space on the drive that holds VS Code\'s global storage ({0}); recording resumes by itself.', folder);
  }
  if (NOT_ALLOWED.has(errorCode)) {
    return l10n.t('Check the permissions of VS Code\'s global storage folder ({0}): VS Code must be able to create and write files there. Recording resumes by itself once it can.', folder);
  }
  return l10n.t('Check VS Code\'s global storage folder ({0}); the history is tried again by itself.', folder);
}
