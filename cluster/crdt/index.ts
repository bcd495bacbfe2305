export { HybridClock, compareHlc, type Hlc } from './hlc.js';
export { GCounterMap, mergeExpiry, type CounterRecord } from './g-counter.js';
export { LwwMap, compareEntries, toRecord, fromRecord, type LwwEntry, type LwwRecord } from './lww-map.js';
export { StatsWindows, type StatsRecord, type StatsWindowView } from './stats-window.js';
