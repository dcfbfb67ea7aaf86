/**
 * Runs one long-running Azure operation to its end: the POST through the session (so a 429 waits
 * its Retry-After and a 401 refreshes the token, as every call does), then the SDK poller (its
 * interval from the settings, Azure's Retry-After honoured) with Azure's status handed to
 * `onProgress` after each poll. A POST that may have reached Azure is never sent again: after a
 * timeout, a dropped connection or a 5xx only Azure knows whether it runs, so the result says
 * where to look (429 and 401 are Azure refusing before acting: those are retried). Never rejects:
 * a refusal, a failed operation or a cancellation ends as a problem in the operation's own words.
 */
import * as l10n from '@vscode/l10n';
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { Pipeline } from '@azure/core-rest-pipeline';
import type { AzureProblem } from '../domain/diagnosis';
import { DEFAULT_MAX_RETRIES, type ArmSession } from './armCall';
import type { ArmClients } from './armClients';
import type { AzureSettings, OperationProgress, OperationResult } from './azureTypes';
import { OperationWatch, type OperationError } from './operationWatch';
import { azureCode, classify, cut, isRetryable } from './problems';

export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** The SDKs' long-running poller (arm-compute's and arm-containerservice's are the same core-lro type). */
export type OperationPoller = ReturnType<ComputeManagementClient['virtualMachineScaleSetVMs']['restart']>;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;

export interface LongRunningSpec {
  /** For the log: `restart`, `deleteMachines` … */
  readonly what: string;
  /** The client whose pipeline sends the POST and the polls. */
  readonly client: 'compute' | 'containers';
  /** The resource acted on, for the result. */
  readonly resourceId: string;
  /** Sends the POST (the SDK's poller starts it at once). */
  start(clients: ArmClients, options: { abortSignal: AbortSignal; updateIntervalInMs: number }): OperationPoller;
  /** A 403: the role that allows this operation, on its scope. */
  forbidden(problem: AzureProblem): AzureProblem;
  /** A 409: another operation runs on the same resource. */
  conflict(problem: AzureProblem): AzureProblem;
  /** Cancelled after the POST went out: it may still run in Azure, and where to look. */
  stopped(): AzureProblem;
}

interface Started {
  readonly poller: OperationPoller;
}

export async function runLongRunning(
  session: ArmSession,
  spec: LongRunningSpec,
  settings: AzureSettings,
  onProgress: (progress: OperationProgress) => void,
  signal: AbortSignal,
  startedAt: number,
): Promise<OperationResult> {
  const elapsed = (): number => Date.now() - startedAt;
  const fail = (problem: AzureProblem): OperationResult => ({ ok: false, problem, elapsedMs: elapsed(), resourceId: spec.resourceId, sent: watch.sent });
  const report = (status: string): void => {
    try {
      onProgress({ status, elapsedMs: elapsed() });
    } catch (error) {
      settings.log?.warn(`Azure: ${spec.what}: the progress view failed to take an update: ${error instanceof Error ? error.name : typeof error}`);
    }
  };
  const watch = new OperationWatch({
    maxRetries: Math.max(0, settings.maxRetries ?? DEFAULT_MAX_RETRIES),
    baseDelayMs: Math.max(0, settings.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS),
    context: session.context,
    log: settings.log,
    what: spec.what,
  });
  const updateIntervalInMs = Math.max(1, settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);

  const started = await session.call<Started>(spec.what, async (clients, abortSignal) => {
    watch.watch((clients[spec.client] as unknown as { pipeline: Pipeline }).pipeline);
    const poller = spec.start(clients, { abortSignal, updateIntervalInMs });
    await poller.submitted();
    // Wrapped: a poller is itself a promise-like, which `await` would poll to the end.
    return { poller };
  }, { mayRetry: (problem) => !watch.sent || refusedBeforeActing(problem) });
  if (!started.ok) {
    if (started.cancelled || signal.aborted) {
      return fail(watch.sent ? spec.stopped() : notSent());
    }
    if (watch.sent && isRetryable(started.problem) && !refusedBeforeActing(started.problem)) {
      settings.log?.warn(`Azure: ${spec.what}: no clear answer to the POST (${started.problem.kind}${started.problem.status ? ` ${started.problem.status}` : ''}); not sent again.`);
      return fail(mayStillRun(spec, started.problem));
    }
    return fail(refusal(spec, started.problem));
  }
  settings.log?.info(`Azure: ${spec.what}: accepted by Azure; polling every ${updateIntervalInMs} ms unless Azure says otherwise.`);
  report('Accepted');

  const { poller } = started.value;
  const unsubscribe = poller.onProgress(() => report(watch.status ?? 'InProgress'));
  try {
    await poller.pollUntilDone({ abortSignal: signal });
  } catch (error) {
    if (signal.aborted) {
      settings.log?.info(`Azure: ${spec.what}: stopped waiting after ${watch.polls} polls; the operation may still run.`);
      return fail(spec.stopped());
    }
    if (poller.operationState?.status === 'failed' && !isRestError(error)) {
      const azure = watch.error ?? fromSdkMessage(error);
      settings.log?.warn(`Azure: ${spec.what}: the operation failed${azure.code ? ` with ${azure.code}` : ''}.`);
      return fail(operationFailed(spec, azure));
    }
    if (poller.operationState?.status === 'canceled') {
      return fail({
        kind: 'unknown', code: 'Canceled',
        message: l10n.t('Azure canceled the {0} before it completed.', spec.what),
        nextStep: l10n.t('Check the Activity Log for who or what canceled it, then try again.'),
      });
    }
    const problem = classify(error, session.context);
    settings.log?.warn(`Azure: ${spec.what}: polling failed: ${problem.kind}${problem.status ? ` ${problem.status}` : ''}${problem.code ? ` ${problem.code}` : ''}.`);
    // Accepted, so it may well be running: say so, and where to look, rather than "refresh".
    return fail({
      ...problem,
      message: l10n.t('Azure accepted the {0}, but its status could not be read: {1}', spec.what, problem.message),
      nextStep: spec.stopped().nextStep,
    });
  } finally {
    unsubscribe();
  }
  return { ok: true, status: watch.status ?? 'Succeeded', elapsedMs: elapsed(), resourceId: spec.resourceId };
}

function refusal(spec: LongRunningSpec, problem: AzureProblem): AzureProblem {
  if (problem.status === 403) {
    return spec.forbidden(problem);
  }
  if (problem.status === 409) {
    return spec.conflict(problem);
  }
  return problem;
}

/**
 * Azure answered without acting on it (429: throttled before the request was processed), or the
 * connection never opened: sending the POST again cannot start the operation twice.
 */
function refusedBeforeActing(problem: AzureProblem): boolean {
  return problem.kind === 'throttled'
    || (problem.kind === 'network' && /^(ECONNREFUSED|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)$/.test(problem.code ?? ''));
}

/** The POST went out and no clear answer came back: it may run, so it is not sent again. */
function mayStillRun(spec: LongRunningSpec, problem: AzureProblem): AzureProblem {
  return {
    ...problem,
    message: l10n.t('No clear answer from Azure to the {0} request ({1}); it was not sent again, as it may still run in Azure.', spec.what, cut(problem.message, 300) ?? problem.kind),
    nextStep: spec.stopped().nextStep,
  };
}

function operationFailed(spec: LongRunningSpec, azure: OperationError): AzureProblem {
  return {
    kind: 'unknown',
    code: azure.code,
    message: cut(azure.message, 2000, true) ?? l10n.t('Azure reported the {0} as failed without a message.', spec.what),
    nextStep: azure.code
      ? l10n.t('Open the guidance for {0}, and Diagnose Node in Azure for the instance view and the Activity Log.', azure.code)
      : l10n.t('Diagnose Node in Azure for the instance view and the Activity Log.'),
  };
}

function notSent(): AzureProblem {
  return { kind: 'unknown', message: l10n.t('Cancelled before anything was sent to Azure.'), nextStep: l10n.t('Run the action again when you are ready.') };
}

function isRestError(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'RestError';
}

/** The SDK's own text for a failed operation: `The long-running operation has failed. <code>. <message>`. */
function fromSdkMessage(error: unknown): OperationError {
  const text = error instanceof Error ? error.message : '';
  const m = /^The long-running operation has failed\. ([A-Za-z0-9_.-]{1,200})\. ([\s\S]*)$/.exec(text);
  return m ? { code: azureCode(m[1]), message: m[2] } : { message: text || undefined };
}
