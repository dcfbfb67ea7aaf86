/** Resource Health of the instance: availability state, summary, reason, since when. */
import * as l10n from '@vscode/l10n';
import type { HealthFacts, NodeTarget, Section } from '../domain/diagnosis';
import type { ArmSession } from './armCall';
import { cut } from './problems';

interface AvailabilityStatus {
  readonly properties?: {
    readonly availabilityState?: string;
    readonly summary?: string;
    readonly reasonType?: string;
    readonly detailedStatus?: string;
    readonly occuredTime?: Date | string;
    readonly reportedTime?: Date | string;
  };
}

function epoch(value: Date | string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export async function readHealth(session: ArmSession, target: NodeTarget): Promise<Section<HealthFacts>> {
  // The SDK's path is `/{resourceUri}/providers/…`: the id goes in without its leading slash.
  const resourceUri = target.resourceId.replace(/^\/+/, '');
  const result = await session.call<AvailabilityStatus>('resource health', (c, abortSignal) =>
    c.health.availabilityStatuses.getByResource(resourceUri, { abortSignal }));
  if (!result.ok) {
    if (result.cancelled) {
      return { state: 'skipped', reason: result.problem.message };
    }
    return result.problem.kind === 'not-found'
      ? { state: 'gone', message: l10n.t('Resource Health has no status for {0} (404): the instance no longer exists.', target.resourceId) }
      : { state: 'error', problem: result.problem };
  }
  const p = result.value.properties ?? {};
  return {
    state: 'ok',
    value: {
      availabilityState: cut(p.availabilityState, 50),
      summary: cut(p.summary, 1000),
      reason: cut(p.reasonType, 200),
      detailedStatus: cut(p.detailedStatus, 1000),
      since: epoch(p.occuredTime) ?? epoch(p.reportedTime),
    },
  };
}
