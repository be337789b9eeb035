/**
 * Reading a profile file from disk. firmware/ does no I/O (lint enforces it), so the file-reading
 * half of profile loading lives here, next to the scenario loader that resolves `profile:` paths.
 * @module
 */
import { readFileSync } from 'node:fs';
import { defaultProfile, parseProfile, ProfileError, type Profile } from '../firmware/profiles/index.ts';

/**
 * Loads and validates a profile. Without a path (or with "default") returns the bundled default.
 * @throws ProfileError naming the file and every problem in it (also when it cannot be read)
 */
export function loadProfile(path?: string): Profile {
  if (path === undefined || path === 'default') return defaultProfile();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ProfileError(path, [{ path: '(file)', expected: 'a readable profile JSON file', got: code }]);
  }
  return parseProfile(text, path);
}
