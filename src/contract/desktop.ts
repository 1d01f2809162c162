import { z } from 'zod';

/**
 * What the renderer may ask the desktop shell for besides the engine: one
 * native dialog, for a purpose from this list. Nothing else reaches it.
 */
export const PathRequestSchema = z
  .object({
    /**
     * open-model: an existing model folder; save-model: a new folder to save a
     * model as; idx-folder: a folder of the four IDX files; idx-file: one IDX file;
     * image-folder: a folder of image files (class subfolders give labels);
     * layers-model: the model.json of a TensorFlow.js Layers model, to import.
     */
    purpose: z.enum(['open-model', 'save-model', 'idx-folder', 'idx-file', 'image-folder', 'layers-model']),
    /** A bare name to suggest when saving (no folders in it). */
    suggestedName: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^/\\]+$/, 'a bare name, no folders')
      .optional(),
  })
  .strict();
export type PathRequest = z.infer<typeof PathRequestSchema>;

/** Shows a native dialog; resolves to the chosen path, or null when cancelled. */
export type PathPicker = (request: PathRequest) => Promise<string | null>;
