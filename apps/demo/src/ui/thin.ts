/** Most points a telemetry chart draws (longer runs are thinned evenly, keeping the last). */
export const MAX_POINTS = 6000;

/** Indices of at most `max` of n points, evenly spread, always with the first and the last. */
export function thin(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = (n - 1) / (max - 1);
  const out: number[] = [];
  for (let k = 0; k < max - 1; k++) out.push(Math.floor(k * stride));
  out.push(n - 1);
  return out;
}
