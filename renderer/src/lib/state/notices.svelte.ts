export type Tone = 'info' | 'error';

/** The line at the top right: what just happened, or what went wrong. */
export class Notices {
  #text = $state<string | null>(null);
  #tone = $state<Tone>('info');

  get text(): string | null {
    return this.#text;
  }

  get tone(): Tone {
    return this.#tone;
  }

  tell(text: string, tone: Tone = 'info'): void {
    this.#text = text;
    this.#tone = tone;
  }

  clear(): void {
    this.#text = null;
  }
}
