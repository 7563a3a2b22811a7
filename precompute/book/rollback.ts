/**
 * `npm run book` writes content/datasets/<id>.json before training and content/book.json
 * after. When training fails, or is interrupted, the book must be as it was: otherwise the
 * next `npm run build` trains the half-added dataset (or builds a book whose dataset has
 * no runs). A snapshot records the files and directories first; restore() puts them back.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../train/assets';

export interface Snapshot {
  /** Puts every recorded path back; returns one line per path it changed. */
  restore(): string[];
}

/** Records `files` (their bytes, or that they do not exist) and whether `dirs` exist, relative to `root`. */
export function snapshot(root: string, files: string[], dirs: string[]): Snapshot {
  const before = files.map((f) => ({ f, bytes: existsSync(join(root, f)) ? readFileSync(join(root, f)) : null }));
  const absent = dirs.filter((d) => !existsSync(join(root, d)));
  return {
    restore() {
      const done: string[] = [];
      for (const { f, bytes } of before) {
        const full = join(root, f);
        if (bytes === null) {
          if (existsSync(full)) { rmSync(full, { force: true }); done.push(`removed ${f}`); }
        } else if (!existsSync(full) || !readFileSync(full).equals(bytes)) {
          writeFileAtomic(full, bytes);
          done.push(`restored ${f}`);
        }
      }
      for (const d of absent) {
        if (existsSync(join(root, d))) { rmSync(join(root, d), { recursive: true, force: true }); done.push(`removed ${d}/`); }
      }
      return done;
    },
  };
}
