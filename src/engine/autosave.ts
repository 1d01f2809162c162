import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { makeDirs, writeFileAtomic } from '../util/atomic.js';

const RecordSchema = z.object({
  /** True while the autosaved model holds training that was never saved elsewhere nor discarded. */
  pending: z.boolean(),
  description: z.string(),
  savedAt: z.string(),
});
type AutosaveRecord = z.infer<typeof RecordSchema>;

export interface Recovery {
  dir: string;
  description: string;
  savedAt: string;
}

/**
 * The autosave slot under the per-user data folder: the current model is
 * checkpointed into `autosave/` at every epoch end, and `autosave.json` says
 * whether that model still needs the user's decision (save or discard), so a
 * restart can offer it back.
 */
export class Autosave {
  readonly dir: string;
  private readonly recordFile: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'autosave');
    this.recordFile = path.join(dataDir, 'autosave.json');
  }

  /** The model a previous run left unsaved, if any. */
  async pending(): Promise<Recovery | null> {
    let record: AutosaveRecord;
    try {
      const parsed = RecordSchema.safeParse(JSON.parse(await fs.readFile(this.recordFile, 'utf8')));
      if (!parsed.success) return null;
      record = parsed.data;
      await fs.access(path.join(this.dir, 'manifest.json'));
    } catch {
      return null;
    }
    return record.pending ? { dir: this.dir, description: record.description, savedAt: record.savedAt } : null;
  }

  /** Records that `autosave/` now holds unsaved training. */
  async checkpointed(description: string): Promise<void> {
    await this.write({ pending: true, description, savedAt: new Date().toISOString() });
  }

  /** The user saved the model elsewhere or discarded it: nothing to offer after a restart. */
  async settle(): Promise<void> {
    let record: AutosaveRecord;
    try {
      record = RecordSchema.parse(JSON.parse(await fs.readFile(this.recordFile, 'utf8')));
    } catch {
      return;
    }
    if (record.pending) await this.write({ ...record, pending: false });
  }

  private async write(record: AutosaveRecord): Promise<void> {
    await makeDirs(path.dirname(this.recordFile));
    await writeFileAtomic(this.recordFile, JSON.stringify(record, null, 2));
  }
}
