/** A question put to the user: what is at stake, and the words on the two buttons. */
export interface Question {
  title: string;
  text: string;
  confirmLabel: string;
  cancelLabel: string;
}

/**
 * One question at a time, answered in the app's own dialog. `ask` resolves
 * true only when the user chose the action; Cancel, Escape, or a newer
 * question all resolve false, so nothing happens unless asked for.
 */
export class ConfirmState {
  #question = $state.raw<Question | null>(null);
  #settle: ((ok: boolean) => void) | null = null;

  get question(): Question | null {
    return this.#question;
  }

  ask(title: string, text: string, confirmLabel: string, cancelLabel = 'Cancel'): Promise<boolean> {
    this.#settle?.(false);
    this.#question = { title, text, confirmLabel, cancelLabel };
    return new Promise<boolean>((resolve) => (this.#settle = resolve));
  }

  answer(ok: boolean): void {
    const settle = this.#settle;
    this.#settle = null;
    this.#question = null;
    settle?.(ok);
  }
}
