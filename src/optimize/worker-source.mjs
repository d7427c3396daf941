// Loads the TypeScript worker (worker.ts) through tsx when tradetui runs from its sources (tests, tsx):
// worker threads do not inherit the parent's loader hooks. The compiled and bundled builds never use this.
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport(new URL('./worker.ts', import.meta.url).href, import.meta.url);
export default mod.default;
