import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { queueMessages, repoRoot, startDaemon, waitFor, wubotHome } from '../../helpers.js';

/** running lists the processes whose command line holds `marker`, with their process group. */
function running(marker: string): { pid: number; pgrp: number }[] {
  const found: { pid: number; pgrp: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') found.push({ pid: Number(name), pgrp: Number(fields[2]) });
    } catch {
      // it ended while being read
    }
  }
  return found;
}

const markers: string[] = [];
/** a marker is a sleep length no other process uses, so the test finds its own sleeps. */
function marker(): string {
  const m = `1000.${process.pid}${markers.length}7`;
  markers.push(m);
  return m;
}

after(() => {
  // what a failed run left behind, by pid
  for (const m of markers) for (const p of running(m)) process.kill(p.pid, 'SIGKILL');
});

describe('Command checks and their children', () => {
  it('a timed-out check kills its whole process group, so no check leaves a process behind', async () => {
    const m = marker();
    const home = wubotHome('h1', { 'plugins/Command/stuck.yaml': `command: sleep ${m} & sleep ${m}\ntimeout: 0.5\ndelay: 0.1\n` });
    const child = await startDaemon('monitor', home, 'h1');
    try {
      const timeouts = () => queueMessages(join(home, 'reactor')).filter((x) => /Timed out/.test(String(x.subject))).length;
      assert.ok(await waitFor(() => timeouts() >= 3, 30_000), child.log);
      // at most the check in progress has processes: one shell and its two sleeps, in one group
      const left = running(m);
      assert.ok(left.length <= 3, `processes left by earlier checks: ${JSON.stringify(left)}`);
      assert.ok(new Set(left.map((p) => p.pgrp)).size <= 1);
    } finally {
      child.kill('SIGTERM');
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10_000);
    }
    assert.ok(await waitFor(() => running(m).length === 0, 5000), JSON.stringify(running(m)));
  });

  it('the monitor daemon stops within seconds of SIGTERM during a long check, and kills what the check started', async () => {
    const m = marker();
    const home = wubotHome('h1', { 'plugins/Command/long.yaml': `command: sleep ${m} & sleep ${m}\ntimeout: 600\ndelay: 1h\n` });
    const child = await startDaemon('monitor', home, 'h1');
    assert.ok(await waitFor(() => running(m).length >= 2, 20_000));
    child.kill('SIGTERM');
    const stopped = await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10_000, 50);
    if (!stopped) child.kill('SIGKILL');
    assert.ok(stopped, `still running 10 s after SIGTERM: ${child.log}`);
    assert.equal(child.exitCode, 0, child.log);
    assert.ok(await waitFor(() => running(m).length === 0, 5000), JSON.stringify(running(m)));
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`\`wubot check\` interrupted by ${sig} kills the check's whole process group`, async () => {
      const m = marker();
      const home = wubotHome('h1', { 'plugins/Command/long.yaml': `command: sleep ${m} & sleep ${m}\ntimeout: 600\n` });
      const child = spawn(process.execPath, [join(repoRoot, 'dist', 'bin', 'wubot.js'), 'check', 'Command', 'long', '--home', home, '--hostname', 'h1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      try {
        assert.ok(await waitFor(() => running(m).length >= 2, 20_000), stderr);
        // as Ctrl-C does: the signal goes to wubot's process group, which the command's is not
        child.kill(sig);
        assert.equal(await exited, sig === 'SIGINT' ? 130 : 143, stderr);
        assert.match(stderr, new RegExp(`check interrupted by ${sig}`));
        assert.ok(await waitFor(() => running(m).length === 0, 5000), JSON.stringify(running(m)));
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
