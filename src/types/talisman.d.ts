declare module 'talisman/metrics/jaro-winkler.js' {
  /** Jaro-Winkler similarity, 0 (nothing alike) to 1 (identical). */
  const jaroWinkler: ((a: string, b: string) => number) & { similarity(a: string, b: string): number };
  export default jaroWinkler;
}
