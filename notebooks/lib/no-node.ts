/**
 * What `node:fs`, `node:path` and `node:v8` become in the notebooks' browser bundles. The scenario
 * and profile loaders import the first two only to read files from disk (loadScenario, a profile
 * path), the simulator's checkpoints the third to encode a snapshot; the notebooks give the
 * loaders text and the bundled default profile and never checkpoint, so these are never called. If one is, it says
 * which function and why rather than failing somewhere obscure.
 * @module
 */
function unavailable(name: string): never {
  throw new Error(`${name}: not available in the browser (the notebooks pass scenario text, use the bundled default profile and never checkpoint)`);
}
export const readFileSync = (): never => unavailable('readFileSync');
export const dirname = (): never => unavailable('path.dirname');
export const isAbsolute = (): never => unavailable('path.isAbsolute');
export const resolve = (): never => unavailable('path.resolve');
export const join = (): never => unavailable('path.join');
export const serialize = (): never => unavailable('v8.serialize (checkpoints)');
export const deserialize = (): never => unavailable('v8.deserialize (checkpoints)');
export default { readFileSync, dirname, isAbsolute, resolve, join, serialize, deserialize };
