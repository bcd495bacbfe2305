/**
 * Flame graph colours for frames named `function source` (as bench/profile names them): our code blue,
 * packages orange, node internals green, builtins light grey, the collector red, V8's pseudo-frames and
 * thread roots grey. Shared by the chart renderer so every flame graph reads the same way.
 */
export const FLAME_LEGEND: Array<[string, string]> = [
  ['Switchyard / bench code', '#60a5fa'], ['packages (undici …)', '#fdba74'], ['node internals', '#86efac'],
  ['builtins (JSON, uWS calls)', '#e5e7eb'], ['garbage collector', '#ef4444'], ['V8 native / thread', '#9ca3af'],
];

export function frameColor(name: string): string {
  if (name === '(garbage collector)') return '#ef4444';
  if (name.startsWith('(') || / threads?$/.test(name)) return '#9ca3af';
  const source = name.slice(name.lastIndexOf(' ') + 1);
  if (/^(src|cluster|bench)\//.test(source)) return '#60a5fa';
  if (source.startsWith('node:')) return '#86efac';
  if (source.includes('/')) return '#fdba74';
  return '#e5e7eb';
}
