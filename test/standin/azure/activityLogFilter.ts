import type { ActivityLogEntry } from './scenario';

/**
 * The Activity Log's `$filter`, as far as the stand-in honours it: terms joined by `and`,
 * `eventTimestamp ge|le|gt|lt '<ISO>'` (a lower bound is required, as ARM requires it),
 * `resourceUri eq` (also `resourceId eq`), `resourceGroupName eq`, `correlationId eq`,
 * `resourceProvider eq`, `status eq`; `eventChannels` and `levels` are accepted and ignored.
 * Comparisons of names are case-insensitive.
 */
export interface ActivityLogQuery {
  matches(entry: ActivityLogEntry): boolean;
}

const TERM = /^\s*([A-Za-z]+)\s+(eq|ge|le|gt|lt)\s+'([^']*)'\s*$/i;

export function parseActivityLogFilter(filter: string): ActivityLogQuery {
  if (!filter.trim()) {
    throw new Error("The $filter query parameter is required and must contain 'eventTimestamp ge'.");
  }
  const tests: ((e: ActivityLogEntry) => boolean)[] = [];
  let lowerBound = false;
  for (const term of filter.split(/\s+and\s+/i)) {
    const m = TERM.exec(term);
    if (!m) {
      throw new Error(`The $filter term '${term.trim()}' is not supported. Use: eventTimestamp ge '<time>' and resourceUri eq '<resource id>'.`);
    }
    const field = m[1].toLowerCase();
    const op = m[2].toLowerCase();
    const value = m[3];
    if (field === 'eventtimestamp') {
      const t = Date.parse(value);
      if (Number.isNaN(t)) {
        throw new Error(`The $filter time '${value}' is not a valid date.`);
      }
      lowerBound ||= op === 'ge' || op === 'gt';
      const cmp = {
        ge: (x: number) => x >= t, gt: (x: number) => x > t, le: (x: number) => x <= t, lt: (x: number) => x < t,
      }[op as 'ge' | 'gt' | 'le' | 'lt'];
      if (!cmp) {
        throw new Error(`The $filter operator '${op}' is not supported for eventTimestamp.`);
      }
      tests.push((e) => cmp(Date.parse(e.eventTimestamp)));
      continue;
    }
    if (op !== 'eq') {
      throw new Error(`The $filter operator '${op}' is not supported for ${m[1]}.`);
    }
    const lower = value.toLowerCase();
    switch (field) {
      case 'resourceuri':
      case 'resourceid':
        tests.push((e) => e.resourceId.toLowerCase() === lower);
        break;
      case 'resourcegroupname':
        tests.push((e) => (e.resourceGroupName ?? resourceGroupOf(e.resourceId)).toLowerCase() === lower);
        break;
      case 'correlationid':
        tests.push((e) => e.correlationId.toLowerCase() === lower);
        break;
      case 'resourceprovider':
        tests.push((e) => (e.resourceProviderName?.value ?? '').toLowerCase() === lower);
        break;
      case 'status':
        tests.push((e) => e.status.value.toLowerCase() === lower);
        break;
      case 'eventchannels':
      case 'levels':
        break;
      default:
        throw new Error(`The $filter field '${m[1]}' is not supported.`);
    }
  }
  if (!lowerBound) {
    throw new Error("The $filter query parameter must contain 'eventTimestamp ge'.");
  }
  return { matches: (e) => tests.every((t) => t(e)) };
}

function resourceGroupOf(resourceId: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(resourceId)?.[1] ?? '';
}
