export type Tone = 'info' | 'error';

/**
 * The controls an engine's refusal is shown beside: training a new model
 * (the data and its settings), the running model's controls, the model
 * folder, an import, an explore view, an export, the scatter's points and
 * projection, the attribute vectors, the bookmarks, and the selection panel.
 */
export type Place = 'train' | 'training' | 'models' | 'import' | 'explore' | 'export' | 'scatter' | 'vectors' | 'bookmarks' | 'selection';

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

  #places = $state.raw<Partial<Record<Place, string>>>({});

  /** The refusal shown beside a control, kept until dismissed or until that control's next action. */
  at(place: Place): string | null {
    return this.#places[place] ?? null;
  }

  tellAt(place: Place, text: string): void {
    this.#places = { ...this.#places, [place]: text };
  }

  dismiss(place: Place): void {
    if (!(place in this.#places)) return;
    const { [place]: _gone, ...rest } = this.#places;
    this.#places = rest;
  }
}
