// asciichart ships no types; only plot() is used.
declare module 'asciichart' {
  export interface PlotConfig {
    height?: number;
    offset?: number;
    padding?: string;
    format?: (x: number, i: number) => string;
    symbols?: readonly string[];
    colors?: readonly string[];
    min?: number;
    max?: number;
  }
  export function plot(series: number[] | number[][], cfg?: PlotConfig): string;
  const asciichart: { plot: typeof plot };
  export default asciichart;
}
