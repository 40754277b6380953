import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { statOrNull } from './policyFiles';

/**
 * Writes `text` to `path` so that a reader (a service reloading its policy file) sees the old
 * file or the new one, never a half-written one: a temporary file in the same folder, renamed
 * over the target. The target keeps its mode (and owner, where allowed); a link is followed and
 * its target replaced. On failure the original is untouched and the temporary file removed.
 * Something that is not a regular file (`/dev/stdout`, a FIFO) is written in place: renaming
 * over it would replace the device or pipe with a file.
 */
export function writeFileAtomically(path: string, text: string): void {
  const existing = statOrNull(path);
  if (existing && !existing.isFile()) {
    writeFileSync(path, text);
    return;
  }
  const target = existing ? realpathSync(path) : path;
  // A dotfile: oslo.policy skips those in policy.d, should a crash leave one behind. Names are
  // cut so that the temporary one stays within the 255 bytes a file name may have.
  const stem = Buffer.from(basename(target))
    .subarray(0, 200)
    .toString()
    .replace(/\uFFFD+$/, '');
  const temporary = join(dirname(target), `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  // A new file gets the mode writeFileSync would give it (0666 less the umask); a replaced one its own.
  const fd = openSync(temporary, 'wx', existing ? 0o600 : 0o666);
  let renamed = false;
  try {
    try {
      if (existing) {
        fchmodSync(fd, existing.mode & 0o7777);
        try {
          fchownSync(fd, existing.uid, existing.gid);
        } catch {
          // Only root may give a file away; anyone else's copy is theirs, as with an editor's save.
        }
      }
      const bytes = Buffer.from(text);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temporary);
      } catch {
        // Already gone.
      }
    }
  }
}
