import { mount } from 'svelte';
import App from './App.svelte';
import { API_CONTEXT, DIALOGS_CONTEXT, connect } from './lib/api.js';
import './styles.css';

const target = document.getElementById('app')!;

async function boot(): Promise<void> {
  try {
    const { client, dialogs } = await connect((reason) => {
      target.dataset.connection = 'lost';
      document.title = `Latent Explorer (disconnected)`;
      console.warn(reason);
    });
    mount(App, { target, context: new Map<symbol, unknown>([[API_CONTEXT, client], [DIALOGS_CONTEXT, dialogs]]) });
  } catch (err) {
    target.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'fatal';
    p.textContent = `Latent Explorer cannot reach its engine: ${(err as Error).message}`;
    target.appendChild(p);
  }
}

void boot();
