import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** MAX_CONFIG_BYTES bounds a file a config names (rule files, instance files, templates, PEM files): none is near it. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * readConfigFile reads a file a config names, as text: only a regular file
 * (a device such as /dev/zero or a FIFO would hang the reader) of at most
 * MAX_CONFIG_BYTES. Its errors say why in a few words, for a diagnostic at
 * the line that names the file; a missing file keeps its ENOENT code.
 */
export function readConfigFile(path: string): string {
  // non-blocking: opening a FIFO must not wait for a writer before it is refused
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(st.isDirectory() ? 'a directory, not a file' : 'not a regular file (a device, FIFO or socket)');
    if (st.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`);
    // read at most one byte past the cap: a file that grows while it is read is cut off, not read without end
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, got);
    if (got > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
