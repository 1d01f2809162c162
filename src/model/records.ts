import { z } from 'zod';

/** Losses in nats per image: total = recon + KL (the negative ELBO). */
export const LossSchema = z.object({ total: z.number(), recon: z.number(), kl: z.number() });
export type Loss = z.infer<typeof LossSchema>;

export const EpochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  train: LossSchema,
  test: LossSchema,
  klWeight: z.number(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
  backend: z.string(),
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;
