import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { MAX_ANALYSED_LENGTH, tooLargeReason } from '../core/document/policyDocument';
import { compareCodePoints } from '../core/text/codePointOrder';

export type PolicyText =
  | { readonly ok: true; readonly text: string }
  /** `unreadable`: not there, a folder, no permission; `undecodable`: read, but not UTF-8. */
  | { readonly ok: false; readonly kind: 'unreadable' | 'undecodable'; readonly message: string }
  /** More than MAX_ANALYSED_LENGTH bytes, not read further; `size` is null for a pipe or a device. */
  | {
      readonly ok: false;
      readonly kind: 'too-large';
      readonly size: number | null;
      readonly message: string;
    };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A policy file's text as a service reads it (UTF-8, the BOM kept as a character). */
export function decodePolicyBytes(bytes: Uint8Array): PolicyText {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      ok: false,
      kind: 'undecodable',
      message: `UnicodeDecodeError: 'utf-8' codec can't decode byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} in position ${bad}`,
    };
  }
}

/**
 * A policy file (`-`: standard input), read no further than one byte past the size limit. The
 * CLI reads any other input it is given (cases, catalogs, `@FILE`) the same way. With
 * `regularOnly` (the server, reading files nobody named to it) a FIFO, socket or device is
 * refused without blocking on it.
 */
export function readPolicyText(path: string, options: { regularOnly?: boolean } = {}): PolicyText {
  let read: { bytes: Buffer; size: number | null };
  try {
    read = readAtMost(path === '-' ? 0 : path, MAX_ANALYSED_LENGTH + 1, options.regularOnly ?? false);
  } catch (error) {
    return { ok: false, kind: 'unreadable', message: (error as Error).message };
  }
  if (read.bytes.length > MAX_ANALYSED_LENGTH) {
    return { ok: false, kind: 'too-large', size: read.size, message: tooLargeReason(read.size) };
  }
  return decodePolicyBytes(read.bytes);
}

/**
 * Up to `limit` bytes and, for a regular file, its size. `readFileSync` would read /dev/zero
 * or an endless pipe until memory runs out, and a 1 GB file whole only to refuse it.
 */
function readAtMost(
  source: string | 0,
  limit: number,
  regularOnly: boolean,
): { bytes: Buffer; size: number | null } {
  // Opening a FIFO blocks until a writer comes, unless non-blocking; a regular file ignores the flag.
  const flags = regularOnly ? constants.O_RDONLY | constants.O_NONBLOCK : constants.O_RDONLY;
  const fd = source === 0 ? 0 : openSync(source, flags);
  try {
    const stats = fstatSync(fd);
    if (regularOnly && !stats.isFile()) {
      const kind = stats.isDirectory() ? 'a folder' : specialFileKind(stats);
      throw new Error(`${String(source)} is ${kind}, not a regular file`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, limit - length));
      const count = readSync(fd, chunk, 0, chunk.length, null);
      if (count === 0) break;
      chunks.push(chunk.subarray(0, count));
      length += count;
    }
    return { bytes: Buffer.concat(chunks, length), size: stats.isFile() ? stats.size : null };
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

const READ_CHUNK = 1 << 16;

/** Offset of the first byte that is not part of a valid UTF-8 sequence (as Python reports it). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index];
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0 || index + length > bytes.length) return index;
    for (let next = 1; next < length; next++) {
      if ((bytes[index + next] & 0xc0) !== 0x80) return index;
    }
    const second = bytes[index + 1];
    if (
      (byte === 0xe0 && second < 0xa0) ||
      (byte === 0xed && second > 0x9f) ||
      (byte === 0xf0 && second < 0x90) ||
      (byte === 0xf4 && second > 0x8f)
    ) {
      return index;
    }
    index += length;
  }
  return bytes.length;
}

/**
 * The files of a policy.d folder in oslo.policy's order: `next(os.walk(path))[2]`, sorted
 * (Python's `sorted()`: by code point), dotfiles skipped. Its subfolders are not read ("We do
 * not iterate over sub-directories", `_walk_through_policy_directory`). Unlike oslo.policy,
 * which would block opening a FIFO there, anything that is not a regular file is left out; a
 * broken link stays, to fail as it would.
 */
export function listPolicyDirectory(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory).sort(compareCodePoints)) {
    if (name.startsWith('.')) continue;
    const path = join(directory, name);
    const stats = statOrNull(path);
    if (!stats || stats.isFile()) files.push(path);
  }
  return files;
}

/** What a path is, following links; null when there is nothing there (or a broken link). */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** 'a FIFO', 'a socket'...: what a path that is neither a file nor a folder is, for messages. */
export function specialFileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'a special file';
}
