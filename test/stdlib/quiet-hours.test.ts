import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { createRuntime } from '../../apps/wubot/host.js';
import type { Message } from '../../runtime/pipeline-api.js';
import { daySet } from '../../stdlib/quiet-hours.js';
import { compileText } from '../helpers.js';

/* QuietHours: fields from the message's time, a schedule and a time zone. */

const at = (iso: string): Message => ({ lastupdate: Date.parse(iso) / 1000 });

describe('QuietHours', () => {
  const rt = createRuntime({ hostname: 'h' });
  const weeknights = rt.plugin('QuietHours', { timezone: 'Europe/Berlin', schedule: [{ days: 'mon-fri', from: '22:00', to: '07:00' }, { days: 'sat,sun', from: '00:00', to: '10:00' }] }, 'quiet');
  const quiet = (iso: string) => {
    const m = at(iso);
    weeknights.react(m);
    return m.quiet === 1;
  };

  it('reads the schedule in the time zone, a night belonging to the day it starts on', () => {
    assert.equal(quiet('2026-12-01T21:30:00Z'), true, 'Tuesday 22:30 in Berlin');
    assert.equal(quiet('2026-12-01T20:30:00Z'), false, 'Tuesday 21:30');
    assert.equal(quiet('2026-12-02T05:59:00Z'), true, 'Wednesday 06:59, Tuesday night');
    assert.equal(quiet('2026-12-02T06:00:00Z'), false, 'Wednesday 07:00');
    assert.equal(quiet('2026-12-05T05:00:00Z'), true, 'Saturday 06:00, Friday night');
    assert.equal(quiet('2026-12-05T08:30:00Z'), true, 'Saturday 09:30, the weekend morning');
    assert.equal(quiet('2026-12-05T21:30:00Z'), false, 'Saturday 22:30');
    assert.equal(quiet('2026-12-07T05:00:00Z'), false, 'Monday 06:00: Sunday night is not a weeknight');
    // summer time: 22:30 in Berlin is 20:30 UTC
    assert.equal(quiet('2026-07-07T20:30:00Z'), true);
  });

  it('reads days as people write them', () => {
    assert.deepEqual([...daySet('fri-mon')!].sort(), [0, 1, 5, 6]);
    assert.deepEqual([...daySet('Saturday, Sunday')!].sort(), [0, 6]);
    assert.equal(daySet('weekdays'), undefined);
  });

  it('is checked by lint: time zone, days and clock times', () => {
    const rule = (config: object) => compileText(JSON.stringify({ rules: [{ name: 'q', plugin: 'QuietHours', config }] }), { until: 'check' });
    for (const config of [{ timezone: 'Mars/Olympus', schedule: [{ from: '22:00', to: '07:00' }] }, { schedule: [{ days: 'weekdays', from: '22:00', to: '07:00' }] }, { schedule: [{ from: '25:00', to: '07:00' }] }]) {
      const c = rule(config);
      assert.ok(hasErrors(c.diagnostics), JSON.stringify(config));
    }
    assert.ok(!hasErrors(rule({ schedule: [{ from: '22:00', to: '07:00' }] }).diagnostics));
  });
});
