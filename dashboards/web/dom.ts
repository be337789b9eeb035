/**
 * The page's small DOM and fetch helpers: element builder, messages, and the JSON API client
 * whose errors are sentences a person can act on.
 * @module
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

export function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('div', { class: `message ${kind === 'error' ? 'error' : ''}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export async function api<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path);
  } catch {
    throw new Error(`The dashboard server does not answer (${path}). Is 'keytwin dashboard' still running?`);
  }
  const body = (await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** A run as people name it: scenario, when it was started (UTC), seed. The id stays in links and tooltips. */
export function runName(r: { scenario: string; startedAt: string; seed: number }): string {
  return `${r.scenario} · ${r.startedAt.slice(0, 16).replace('T', ' ')} · seed ${r.seed}`;
}
