import * as assert from 'node:assert/strict';
import { countInside, expiredPart, resumeLines } from '../../src/domain/resumeNote';

const T0 = Date.UTC(2026, 11, 1, 18, 0, 0);
const MIN = 60_000;

describe('resume note (after the machine slept)', () => {
  it('a sleep shorter than the cluster keeps events: nothing expired, one line', () => {
    const gap = { asleepFrom: T0, awokeAt: T0 + 40 * MIN };
    assert.equal(expiredPart(gap), undefined);
    const lines = resumeLines({ gap });
    assert.equal(lines.resumed, 'Resumed after 40m asleep (2026-12-01 18:00:00 UTC to 2026-12-01 18:40:00 UTC); relisted the cluster');
    assert.equal(lines.missed, undefined);
  });

  it('an hour and five minutes: the first five minutes may be missing, said with UTC times', () => {
    const gap = { asleepFrom: T0, awokeAt: T0 + 65 * MIN };
    assert.deepEqual(expiredPart(gap), { asleepFrom: T0, awokeAt: T0 + 5 * MIN });
    const lines = resumeLines({ gap });
    assert.match(lines.resumed, /^Resumed after 1h 5m asleep/);
    assert.equal(lines.missed, 'Events older than 1 h expire in the cluster: those from 2026-12-01 18:00:00 UTC to 2026-12-01 18:05:00 UTC may have been missed');
    assert.match(lines.missedDetail ?? '', /Container Insights/);
  });

  it('with Container Insights read: how many events it has from the expired part', () => {
    const gap = { asleepFrom: T0, awokeAt: T0 + 3 * 60 * MIN };
    assert.match(resumeLines({ gap, insightsEvents: 12 }).missed ?? '', /: 12 events from 2026-12-01 18:00:00 UTC to 2026-12-01 20:00:00 UTC may have been missed$/);
    assert.match(resumeLines({ gap, insightsEvents: 1 }).missed ?? '', /: 1 event from /);
    assert.match(resumeLines({ gap, insightsEvents: 0 }).missed ?? '', /Container Insights has none from 2026-12-01 18:00:00 UTC to 2026-12-01 20:00:00 UTC$/);
  });

  it('counts the events last seen inside the expired part (else first seen, else when recorded)', () => {
    const part = { asleepFrom: T0, awokeAt: T0 + 10 * MIN };
    const events = [
      { lastSeen: T0 - 1 },
      { lastSeen: T0 },
      { lastSeen: T0 + 5 * MIN, firstSeen: T0 - 60 * MIN },
      { firstSeen: T0 + MIN },
      { recordedAt: T0 + 10 * MIN },
      { recordedAt: T0 + 10 * MIN + 1 },
      {},
    ];
    assert.equal(countInside(events, part), 4);
  });
});
