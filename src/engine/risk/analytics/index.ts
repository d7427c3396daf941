// Risk analytics: VaR/ES, Monte Carlo of trades, correlation. See report.ts for the combined report.
export * from './stats.js';
export * from './montecarlo.js';
export * from './report.js';
