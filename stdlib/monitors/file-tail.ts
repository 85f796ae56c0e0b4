import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Message } from '../../runtime/pipeline-api.js';
import { perlRegex, type PerlRegex } from '../../runtime/perl-matcher.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';
import { ID_FIELD } from '../../runtime/queue/message-id.js';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  path: string;
  max_lines?: number;
  ignore?: string[] | string;
}

/** ignorePattern is the original's one regex of `ignore`: its patterns joined with `|`. */
function ignorePattern(ignore: Config['ignore']): string | undefined {
  const list = ignore === undefined || ignore === null ? [] : Array.isArray(ignore) ? ignore.map(String) : [String(ignore)];
  return list.length ? list.join('|') : undefined;
}

/**
 * Position is where reading stopped in one generation of the file: a
 * generation is the file's content from a start at offset 0 until it is
 * rotated, truncated or replaced. `sig` fingerprints the bytes just read, so
 * a file rewritten in place (copytruncate, then grown past the old size) is
 * told apart from the same file grown; `gen` counts generations and `first`
 * fingerprints a generation's first line, so line ids never repeat across
 * generations, even when the cache was lost.
 */
interface Position {
  ino: number;
  offset: number;
  sig?: string;
  gen: number;
  first?: string;
}

const CHUNK = 1 << 20;
/** A line longer than this is sent in pieces of this size, so a file without newlines cannot fill the memory. */
export const MAX_LINE = 1 << 20;
/** SIG_SPAN bytes at each end of what was read make its fingerprint. */
const SIG_SPAN = 512;

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** signature fingerprints the first `offset` bytes of a file by their two ends. */
function signature(fd: number, offset: number): string {
  const head = readAt(fd, 0, Math.min(offset, SIG_SPAN));
  const tail = readAt(fd, Math.max(0, offset - SIG_SPAN), Math.min(offset, SIG_SPAN));
  return createHash('sha1').update(head).update(tail).digest('base64url').slice(0, 16);
}

/** firstLine fingerprints a generation's first line (its first SIG_SPAN bytes), once it is complete. */
function firstLine(fd: number): string | undefined {
  const head = readAt(fd, 0, SIG_SPAN);
  const nl = head.indexOf(10);
  if (nl < 0 && head.length < SIG_SPAN) return undefined;
  return createHash('sha1').update(head.subarray(0, nl < 0 ? SIG_SPAN : nl + 1)).digest('base64url').slice(0, 8);
}

/** holds tells whether an open file starts with what `pos` read, unchanged (a cache without `sig` trusts the inode). */
function holds(fd: number, st: Stats, pos: Position): boolean {
  if (st.size < pos.offset) return false;
  return pos.sig === undefined ? st.ino === pos.ino : signature(fd, pos.offset) === pos.sig;
}

/** continues tells whether the open file is the one `pos` was reading, unchanged. */
const continues = (fd: number, st: Stats, pos: Position): boolean => st.ino === pos.ino && holds(fd, st, pos);

function asPosition(cache: Record<string, unknown>): Position | undefined {
  const { ino, offset, sig, gen, first } = cache;
  if (typeof ino !== 'number' || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return undefined;
  return { ino, offset, sig: typeof sig === 'string' ? sig : undefined, gen: typeof gen === 'number' && Number.isSafeInteger(gen) ? gen : 0, first: typeof first === 'string' ? first : undefined };
}

/**
 * rotatedCopy finds where the content `pos` was reading went when the path
 * was rotated: a regular file in the same directory that holds it unchanged
 * (renamed away, or copied before a truncation), the same inode first.
 */
function rotatedCopy(path: string, pos: Position, currentIno: number): string | undefined {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const self = basename(path);
  const candidates: { file: string; st: Stats }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let st: Stats;
    try {
      st = statSync(file);
    } catch {
      continue;
    }
    if (!st.isFile() || st.size < pos.offset || (name === self && st.ino === currentIno)) continue;
    candidates.push({ file, st });
  }
  candidates.sort((a, b) => Number(b.st.ino === pos.ino) - Number(a.st.ino === pos.ino));
  for (const { file } of candidates) {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      continue;
    }
    try {
      if (holds(fd, fstatSync(fd), pos)) return file;
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}

interface Reader {
  readonly path: string;
  readonly hostname: string;
  readonly key: string;
  readonly ignore?: PerlRegex;
}

/** readLines sends the complete lines of an open file from `pos.offset`, at most `room`, and moves `pos` past them. */
function readLines(fd: number, pos: Position, room: number, r: Reader, out: Message[]): void {
  const label = (): string => `${r.hostname}:${r.key}:${pos.gen}.${pos.first ?? ''}:`;
  const buf = Buffer.alloc(CHUNK);
  let pending = Buffer.alloc(0);
  let sent = 0;
  while (sent < room) {
    const n = readSync(fd, buf, 0, CHUNK, pos.offset + pending.length);
    if (n === 0) break;
    pending = Buffer.concat([pending, buf.subarray(0, n)]);
    let start = 0;
    while (sent < room) {
      const nl = pending.indexOf(10, start);
      let stop: number;
      let next: number;
      if (nl >= 0 && nl - start <= MAX_LINE) [stop, next] = [nl, nl + 1];
      else if (pending.length - start >= MAX_LINE) stop = next = start + MAX_LINE;
      else break;
      if (pos.first === undefined) pos.first = firstLine(fd);
      const line = pending.subarray(start, stop).toString('utf8').replace(/\r$/, '');
      if (!r.ignore?.test(line)) out.push({ subject: line, path: r.path, [ID_FIELD]: `${label()}${pos.offset + start}` });
      sent++;
      start = next;
    }
    pos.offset += start;
    pending = pending.subarray(start);
  }
  pos.sig = signature(fd, pos.offset);
}

export default defineMonitor<Config>({
  name: 'FileTail',
  summary: 'New lines of a file, such as a log, one message each.',
  docs: 'Sends each new complete line of `path` (a regular file) as `{subject: line, path}`, at most `max_lines` (default 10000) per check, except lines matching one of the Perl regexes of `ignore` (joined with `|` into one, as the original does); a line longer than 1 MiB is sent in pieces. The position is kept in the cache, so a restart goes on where it stopped. Rotation loses no line, whatever its style: when the file was renamed away or copied and truncated, the rest of the old content is read from its rotated copy in the same directory first (if it is still there, uncompressed); a file that shrank, was replaced or was rewritten in place is then read from its start. Each line gets an id made of the host, the instance, the file\'s generation and the line\'s offset, so a line sent again after a crash is not stored twice and a line of a new generation is never taken for an old one.',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'the file to follow' },
      max_lines: { type: 'integer', minimum: 1, description: 'most lines read per check (default 10000)' },
      ignore: { type: ['array', 'string'], items: { type: 'string' }, description: 'Perl regexes: a line matching one is not sent' },
    },
    required: ['path'],
  },
  check(c) {
    const pattern = ignorePattern(c.ignore);
    const t = pattern === undefined ? undefined : translatePerlRegex(pattern);
    return t && !t.ok ? [{ path: ['ignore'], message: `the \`ignore\` patterns, joined with | as the original joins them: ${t.message}` }] : [];
  },
  create(c, ctx) {
    const max = c.max_lines ?? 10000;
    const pattern = ignorePattern(c.ignore);
    const reader: Reader = { path: c.path, hostname: ctx.hostname, key: ctx.key, ...(pattern !== undefined ? { ignore: perlRegex(pattern) } : {}) };
    return {
      check(cache) {
        let fd: number;
        try {
          // non-blocking, so that a FIFO at the path cannot stall the daemon before it is refused
          fd = openSync(c.path, constants.O_RDONLY | constants.O_NONBLOCK);
        } catch (e) {
          throw new Error(`cannot open ${c.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        try {
          const st = fstatSync(fd);
          if (!st.isFile()) throw new Error(`${c.path} is not a regular file`);
          const react: Message[] = [];
          let pos = asPosition(cache);
          if (pos && !continues(fd, st, pos)) {
            const old = rotatedCopy(c.path, pos, st.ino);
            if (old !== undefined) {
              const ofd = openSync(old, 'r');
              try {
                readLines(ofd, pos, max, reader, react);
                if (react.length >= max) return { react, cache: { ...pos } };
              } finally {
                closeSync(ofd);
              }
            } else if (pos.offset > 0) ctx.log.warn('the followed file was rotated and its old content is gone; reading the new file from its start', { path: c.path });
            pos = { ino: st.ino, offset: 0, gen: pos.gen + 1 };
          }
          pos ??= { ino: st.ino, offset: 0, gen: 0 };
          readLines(fd, pos, max - react.length, reader, react);
          return { react, cache: { ...pos } };
        } finally {
          closeSync(fd);
        }
      },
    };
  },
});
