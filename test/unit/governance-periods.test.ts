import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PERIODS,
  addMonths,
  budgetWindow,
  calendarWindow,
  daysInMonth,
  periodKey,
  periodWindow,
  rollingWindow,
  type Budget,
  type Period,
} from '../../src/governance/index.js';

const U = (s: string) => Date.parse(s);
const iso = (w: { start: number; end: number }) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()];

test('calendar windows for every period at one instant', () => {
  const now = U('2024-02-29T13:45:30.250Z'); // a Thursday in a leap February
  assert.deepEqual(iso(calendarWindow('1m', now)), ['2024-02-29T13:45:00.000Z', '2024-02-29T13:46:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1h', now)), ['2024-02-29T13:00:00.000Z', '2024-02-29T14:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1d', now)), ['2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1w', now)), ['2024-02-26T00:00:00.000Z', '2024-03-04T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1M', now)), ['2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1Y', now)), ['2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
});

test('ISO weeks start on Monday, including Sunday and across a year boundary', () => {
  assert.deepEqual(iso(calendarWindow('1w', U('2024-03-03T23:59:59.999Z'))), ['2024-02-26T00:00:00.000Z', '2024-03-04T00:00:00.000Z']); // Sunday
  assert.deepEqual(iso(calendarWindow('1w', U('2024-03-04T00:00:00.000Z'))), ['2024-03-04T00:00:00.000Z', '2024-03-11T00:00:00.000Z']); // Monday
  assert.deepEqual(iso(calendarWindow('1w', U('2025-01-01T12:00:00Z'))), ['2024-12-30T00:00:00.000Z', '2025-01-06T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1w', U('1970-01-01T00:00:00Z'))), ['1969-12-29T00:00:00.000Z', '1970-01-05T00:00:00.000Z']);
});

test('month lengths and leap years', () => {
  assert.deepEqual([2023, 2024, 1900, 2000].map((y) => daysInMonth(y, 1)), [28, 29, 28, 29]);
  assert.deepEqual(Array.from({ length: 12 }, (_, m) => daysInMonth(2023, m)), [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
  assert.deepEqual(iso(calendarWindow('1M', U('2023-02-15T00:00:00Z'))), ['2023-02-01T00:00:00.000Z', '2023-03-01T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1M', U('2023-12-31T23:59:59.999Z'))), ['2023-12-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1Y', U('2024-12-31T23:59:59.999Z'))), ['2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
  assert.deepEqual(iso(calendarWindow('1Y', U('2025-01-01T00:00:00.000Z'))), ['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
});

test('addMonths clamps to the month end and never drifts', () => {
  const jan31 = U('2023-01-31T10:00:00Z');
  assert.equal(new Date(addMonths(jan31, 1)).toISOString(), '2023-02-28T10:00:00.000Z');
  assert.equal(new Date(addMonths(jan31, 2)).toISOString(), '2023-03-31T10:00:00.000Z');
  assert.equal(new Date(addMonths(jan31, 13)).toISOString(), '2024-02-29T10:00:00.000Z');
  assert.equal(new Date(addMonths(jan31, -2)).toISOString(), '2022-11-30T10:00:00.000Z');
  const feb29 = U('2024-02-29T00:00:00Z');
  assert.equal(new Date(addMonths(feb29, 12)).toISOString(), '2025-02-28T00:00:00.000Z');
  assert.equal(new Date(addMonths(feb29, 48)).toISOString(), '2028-02-29T00:00:00.000Z');
});

test('rolling windows are anchored at the creation time', () => {
  const anchor = U('2024-01-31T10:00:00Z');
  assert.deepEqual(iso(rollingWindow('1d', U('2024-02-01T09:59:59.999Z'), anchor)), ['2024-01-31T10:00:00.000Z', '2024-02-01T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1d', U('2024-02-01T10:00:00Z'), anchor)), ['2024-02-01T10:00:00.000Z', '2024-02-02T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1w', U('2024-02-10T00:00:00Z'), anchor)), ['2024-02-07T10:00:00.000Z', '2024-02-14T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1h', U('2024-01-31T12:30:00Z'), anchor)), ['2024-01-31T12:00:00.000Z', '2024-01-31T13:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1M', U('2024-02-29T10:00:00Z'), anchor)), ['2024-02-29T10:00:00.000Z', '2024-03-31T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1M', U('2024-02-29T09:59:59Z'), anchor)), ['2024-01-31T10:00:00.000Z', '2024-02-29T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1M', U('2024-04-30T11:00:00Z'), anchor)), ['2024-04-30T10:00:00.000Z', '2024-05-31T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1Y', U('2025-01-31T09:00:00Z'), anchor)), ['2024-01-31T10:00:00.000Z', '2025-01-31T10:00:00.000Z']);
  // before the anchor (clock skew between nodes): still a well-formed window
  assert.deepEqual(iso(rollingWindow('1d', U('2024-01-30T11:00:00Z'), anchor)), ['2024-01-30T10:00:00.000Z', '2024-01-31T10:00:00.000Z']);
  assert.deepEqual(iso(rollingWindow('1M', U('2023-12-31T11:00:00Z'), anchor)), ['2023-12-31T10:00:00.000Z', '2024-01-31T10:00:00.000Z']);
});

const period = fc.constantFrom<Period>(...PERIODS);
const instant = fc.integer({ min: U('1971-01-01T00:00:00Z'), max: U('2200-01-01T00:00:00Z') });

test('property: every window contains now, has the right length, and the next window starts at its end', () => {
  fc.assert(
    fc.property(period, instant, instant, fc.boolean(), (p, now, anchor, cal) => {
      const w = periodWindow(p, now, { calendarAligned: cal, anchor });
      assert.ok(w.start <= now && now < w.end, `${p} ${now}`);
      const len = w.end - w.start;
      const day = 86_400_000;
      const expected: Record<Period, [number, number]> = {
        '1m': [60_000, 60_000],
        '1h': [3_600_000, 3_600_000],
        '1d': [day, day],
        '1w': [7 * day, 7 * day],
        '1M': [28 * day, 31 * day],
        '1Y': [365 * day, 366 * day],
      };
      assert.ok(len >= expected[p][0] && len <= expected[p][1], `${p} len ${len}`);
      const next = periodWindow(p, w.end, { calendarAligned: cal, anchor });
      assert.equal(next.start, w.end);
      const last = periodWindow(p, w.end - 1, { calendarAligned: cal, anchor });
      assert.deepEqual(last, w);
      const first = periodWindow(p, w.start, { calendarAligned: cal, anchor });
      assert.deepEqual(first, w);
    }),
    { numRuns: 3000 },
  );
});

test('property: calendar windows start on the UTC boundary', () => {
  fc.assert(
    fc.property(period, instant, (p, now) => {
      const d = new Date(calendarWindow(p, now).start);
      assert.equal(d.getUTCMilliseconds() + d.getUTCSeconds(), 0);
      if (p !== '1m') assert.equal(d.getUTCMinutes(), 0);
      if (p !== '1m' && p !== '1h') assert.equal(d.getUTCHours(), 0);
      if (p === '1w') assert.equal(d.getUTCDay(), 1);
      if (p === '1M' || p === '1Y') assert.equal(d.getUTCDate(), 1);
      if (p === '1Y') assert.equal(d.getUTCMonth(), 0);
    }),
    { numRuns: 2000 },
  );
});

test('property: rolling monthly windows start on the anchor day (clamped) at the anchor time', () => {
  fc.assert(
    fc.property(instant, fc.integer({ min: 0, max: 5000 * 86_400_000 }), (anchor, delta) => {
      const w = rollingWindow('1M', anchor + delta, anchor);
      const a = new Date(anchor);
      const s = new Date(w.start);
      assert.equal(s.getUTCDate(), Math.min(a.getUTCDate(), daysInMonth(s.getUTCFullYear(), s.getUTCMonth())));
      assert.equal(s.getUTCHours() * 3600_000 + s.getUTCMinutes() * 60_000 + s.getUTCSeconds() * 1000 + s.getUTCMilliseconds(),
        a.getUTCHours() * 3600_000 + a.getUTCMinutes() * 60_000 + a.getUTCSeconds() * 1000 + a.getUTCMilliseconds());
    }),
    { numRuns: 2000 },
  );
});

test('periodKey: stable within a window, new at the boundary, encodes owner/provider/alignment', () => {
  const b: Budget = { amountUsd: 5, period: '1d', calendarAligned: true };
  const owner = { kind: 'team' as const, id: 'eng:1', createdAt: U('2024-03-01T08:00:00Z') };
  const t = U('2024-03-01T00:00:00Z');
  assert.equal(periodKey(b, owner, t + 5), `spend:team:eng%3A1:*:1d:c:${t}`);
  assert.equal(periodKey(b, owner, t + 86_399_999), `spend:team:eng%3A1:*:1d:c:${t}`);
  assert.equal(periodKey(b, owner, t + 86_400_000), `spend:team:eng%3A1:*:1d:c:${t + 86_400_000}`);
  // rolling: anchored at the owner's createdAt unless the budget has its own
  const rolling: Budget = { amountUsd: 5, period: '1d', provider: 'open*ai' };
  assert.equal(periodKey(rolling, owner, t + 86_400_000), `spend:team:eng%3A1:open%2Aai:1d:r:${U('2024-03-01T08:00:00Z')}`);
  assert.equal(periodKey({ ...rolling, createdAt: U('2024-01-01T12:00:00Z') }, owner, t + 86_400_000), `spend:team:eng%3A1:open%2Aai:1d:r:${U('2024-03-01T12:00:00Z')}`);
  assert.deepEqual(budgetWindow({ amountUsd: 1, period: '1h' }, { kind: 'key', id: 'k' }, 90 * 60_000), { start: 3_600_000, end: 7_200_000 });
});
