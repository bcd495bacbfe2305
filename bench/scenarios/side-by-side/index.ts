/**
 * Side-by-side comparison of several arms in one run: alternating short rounds, merged histograms,
 * differences versus a baseline arm. The overhead scenario uses it; later ones (streaming, large prompts,
 * Portkey ...) add arms or loads and reuse it.
 */
export { measureSideBySide } from './measure.js';
export { figures, sideBySideTables, type ArmFigures, type LoadFigures, type TableWording } from './report.js';
export { expectedMs, loadsFrom, type Arm, type Load, type Measurements, type SideBySidePlan, type Slot } from './types.js';
