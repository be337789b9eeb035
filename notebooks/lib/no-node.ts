/**
 * What `node:fs` and `node:path` become in the notebooks' browser bundles. The scenario and profile
 * loaders import them only to read files from disk (loadScenario, a profile path); the notebooks
 * give them text and the bundled default profile, so these are never called. If one is, it says
 * which function and why rather than failing somewhere obscure.
 * @module
 */
function unavailable(name: string): never {
  throw new Error(`${name}: there is no file system in the browser; the notebooks pass scenario text and use the bundled default profile`);
}
export const readFileSync = (): never => unavailable('readFileSync');
export const dirname = (): never => unavailable('path.dirname');
export const isAbsolute = (): never => unavailable('path.isAbsolute');
export const resolve = (): never => unavailable('path.resolve');
export const join = (): never => unavailable('path.join');
export default { readFileSync, dirname, isAbsolute, resolve, join };
