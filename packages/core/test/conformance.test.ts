import { describeOptimizerConformance } from '../src/testing/conformance.js';
import { CONFORMANCE_SUBJECTS } from './conformance-subjects.js';

for (const subject of CONFORMANCE_SUBJECTS) describeOptimizerConformance(subject);
