import { mount } from 'svelte';
import App from './App.svelte';
import { appContext, connect } from './lib/api.js';
import './styles.css';

const target = document.getElementById('app')!;

async function boot(): Promise<void> {
  try {
    mount(App, { target, context: appContext(await connect()) });
  } catch (err) {
    target.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'fatal';
    p.textContent = `Latent Explorer cannot reach its engine: ${(err as Error).message}`;
    target.appendChild(p);
  }
}

void boot();
