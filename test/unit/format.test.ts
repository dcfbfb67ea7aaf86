import * as assert from 'node:assert/strict';
import { formatAge, formatClock, formatDuration, formatUtc, singleLine, truncate } from '../../src/domain/format';

describe('format', () => {
  it('formats durations with at most two units', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(45_000), '45s');
    assert.equal(formatDuration(59_999), '59s');
    assert.equal(formatDuration(12 * 60_000 + 30_000), '12m');
    assert.equal(formatDuration(3 * 3_600_000 + 5 * 60_000), '3h 5m');
    assert.equal(formatDuration(3 * 3_600_000), '3h');
    assert.equal(formatDuration(2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000), '2d 4h');
    assert.equal(formatDuration(86_400_000), '1d');
  });

  it('treats negative and odd durations as zero', () => {
    assert.equal(formatDuration(-5), '0s');
    assert.equal(formatDuration(Number.NaN), '0s');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '0s');
  });

  it('formats ages, empty when unknown', () => {
    assert.equal(formatAge(1_000, 61_000), '1m');
    assert.equal(formatAge(undefined, 61_000), '');
    assert.equal(formatAge(100_000, 0), '0s');
  });

  it('truncates with an ellipsis and keeps surrogate pairs whole', () => {
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('abcdefghij', 5), 'abcd…');
    assert.equal(truncate('abcdefghij', 5).length, 5);
    assert.equal(truncate('abc😀def', 5), 'abc…');
    assert.equal(truncate('anything', 0), '');
  });

  it('collapses untrusted text to one clean line', () => {
    assert.equal(singleLine('  a\n\tb\r\nc  '), 'a b c');
    assert.equal(singleLine('x\u0000y\u001b[31mz'), 'x y [31mz');
    assert.equal(singleLine('evil\u202eoverride\u2066x\u2028y'), 'evil override x y');
    assert.equal(singleLine(''), '');
  });

  it('formats clock times in UTC', () => {
    assert.equal(formatClock(Date.parse('2024-05-14T09:44:43.750Z')), '09:44:43');
    assert.equal(formatClock(undefined), '');
  });

  it('formats UTC date-times, with the caller\'s word for an unknown one', () => {
    assert.equal(formatUtc(Date.UTC(2026, 11, 3, 9, 44, 43, 512)), '2026-12-03 09:44:43 UTC');
    assert.equal(formatUtc(undefined), '');
    assert.equal(formatUtc(Number.NaN, '?'), '?');
    assert.equal(formatUtc(9e15, '?'), '?', 'beyond what Date can hold');
    assert.equal(formatUtc(0), '1970-01-01 00:00:00 UTC');
  });
});
