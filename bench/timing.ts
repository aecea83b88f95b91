/** Small timing helpers: medians over rounds, with the contenders interleaved so machine noise hits all alike. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Calls per second of `fn`, measured for about `ms` milliseconds. */
export async function opsPerSecond(fn: () => unknown, ms: number): Promise<number> {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    await fn();
    n++;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

/** After a warm-up round, run each contender once per round, `rounds` times, and return the median ops/s of each. */
export async function interleaved(contenders: Record<string, () => unknown>, rounds: number, ms: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  // One round first that is not counted: the first calls run before the JIT has compiled the code.
  for (const fn of Object.values(contenders)) await opsPerSecond(fn, ms);
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) samples[name].push(await opsPerSecond(fn, ms));
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
