/** median is the middle value (the upper one of an even count): the figure the benchmarks report, robust to a noisy run. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
