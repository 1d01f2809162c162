/** True only in the test build (`vite build --mode test`): test hooks are compiled in. */
declare const __TEST_HOOKS__: boolean;
