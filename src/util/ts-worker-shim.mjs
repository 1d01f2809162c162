// Entry point of every worker thread: lets the worker load TypeScript sources
// whether or not the parent process was started with a TypeScript loader.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
