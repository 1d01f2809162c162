import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every entry under `root`, by relative path: folders, files with the hash of
 * their bytes and their size, links with their target. Two equal snapshots
 * mean nothing was added, removed, replaced or rewritten.
 */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[rel] = 'folder';
        walk(abs);
      } else if (st.isFile()) {
        out[rel] = `file ${st.size} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
      } else out[rel] = 'other';
    }
  };
  walk(root);
  return out;
}

/** What a user might keep where a careless save could land: a thesis folder, a shell profile, a link to the folder. */
export interface UserFiles {
  root: string;
  thesis: string;
  taxes: string;
  bashrc: string;
  link: string;
  /** A folder holding a JSON file called manifest.json that is not ours. */
  lookalike: string;
}

export function writeUserFiles(root: string): UserFiles {
  const thesis = path.join(root, 'thesis');
  const taxes = path.join(thesis, 'taxes');
  mkdirSync(taxes, { recursive: true });
  writeFileSync(path.join(thesis, 'thesis.tex'), '\\documentclass{article}\n\\begin{document}\nFour years of work.\n\\end{document}\n');
  const pdf = Buffer.alloc(64 * 1024);
  for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 131 + 7) & 0xff;
  pdf.write('%PDF-1.7\n', 0, 'latin1');
  writeFileSync(path.join(taxes, 'return.pdf'), pdf);
  const bashrc = path.join(root, '.bashrc');
  writeFileSync(bashrc, 'export PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n');
  const link = path.join(root, 'thesis-link');
  symlinkSync(thesis, link);
  const lookalike = path.join(root, 'settings');
  mkdirSync(lookalike);
  writeFileSync(path.join(lookalike, 'manifest.json'), JSON.stringify({ name: 'my extension', version: '1.0.0' }));
  return { root, thesis, taxes, bashrc, link, lookalike };
}
