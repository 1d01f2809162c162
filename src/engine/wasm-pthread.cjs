'use strict';
// The worker that runs one thread of TensorFlow.js' threaded WebAssembly
// build. Emscripten starts it with `new Worker(path)`; tfjs itself hands the
// browser a blob: URL of this script, which Node's worker_threads cannot
// start, so in Node the script is started from this file. The package ships
// the script as a string (`wasmWorkerContents`) whose "\n" escapes were
// turned into line breaks inside string literals; they are escaped again
// before it runs, as tfjs does before it makes its blob.
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
// It reads `require` and `__filename` as a CommonJS module's own.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
